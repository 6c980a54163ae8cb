import { syncFilesTable } from './ownership-marks.ts'
import { isJournal, mergeStructured } from './structured-merge.ts'
import type { OwnershipClass } from './template.ts'
import { mergeText } from './text-merge.ts'

/** One file as regeneration sees it: the recorded base, the service's copy, the template's new render. */
export type FileInput = {
  path: string
  /** The old path when the template renamed the file (the service's copy is read from there). */
  from?: string
  component: string
  class: OwnershipClass
  base: string | undefined
  ours: string | undefined
  theirs: string | undefined
}

export type FileAction =
  | 'unchanged'
  | 'updated'
  | 'merged'
  | 'created'
  | 'deleted'
  | 'kept'
  | 'deleted-by-user'
  | 'overwritten'
  | 'conflict'

/** What happens to one file: its content afterwards and the merge base recorded afterwards. */
export type FilePlan = FileInput & {
  action: FileAction
  /** The service's file afterwards; undefined: absent. */
  next: string | undefined
  /** The merge base recorded afterwards; undefined: no longer recorded. */
  nextBase: string | undefined
  conflicts: string[]
  /** Conflicting hunks written into `next` between `<<<<<<< yours` and `>>>>>>> template` markers. */
  markers: number
  note: string
}

type Outcome = Pick<FilePlan, 'action' | 'next' | 'nextBase' | 'note'> & {
  conflicts?: string[]
  markers?: number
}

/** Decides one file. Pure apart from the line merge, which runs `git merge-file` on temporary files. */
export async function planFile(input: FileInput, options: { force?: boolean } = {}): Promise<FilePlan> {
  const outcome = await decide(input, options.force === true)
  return { ...input, conflicts: [], markers: 0, ...outcome }
}

async function decide(input: FileInput, force: boolean): Promise<Outcome> {
  const { base, ours, theirs } = input
  if (theirs === undefined) return decideRemoved(input)
  if (ours === undefined) {
    if (base === undefined)
      return { action: 'created', next: theirs, nextBase: theirs, note: 'new in the template' }
    return {
      action: 'deleted-by-user',
      next: undefined,
      nextBase: theirs,
      note: 'you deleted it; it stays deleted',
    }
  }
  if (ours === theirs) return { action: 'unchanged', next: ours, nextBase: theirs, note: '' }
  if (input.class === 'seeded') return decideSeeded(input, ours, theirs)
  if (input.class === 'managed' && force)
    return {
      action: 'overwritten',
      next: theirs,
      nextBase: theirs,
      note: 'managed: --force replaced your edits',
    }
  if (base === theirs) return decideTemplateUnchanged(input, ours)
  if (input.class === 'append-only') return decideAppendOnly(input, ours, theirs)
  if (base === ours)
    return { action: 'updated', next: theirs, nextBase: theirs, note: "took the template's new version" }
  if (input.class === 'managed')
    return conflict(ours, base, ['managed: you edited it and the template changed it'])
  if (input.class === 'structured')
    return (await decideStructured(input, ours, theirs)) ?? decideText(base, ours, theirs)
  return decideText(base, ours, theirs)
}

function decideRemoved(input: FileInput): Outcome {
  const { base, ours } = input
  if (ours === undefined)
    return {
      action: 'unchanged',
      next: undefined,
      nextBase: undefined,
      note: 'gone from the template and the service',
    }
  if (ours === base && input.class !== 'seeded' && input.class !== 'append-only') {
    return { action: 'deleted', next: undefined, nextBase: undefined, note: 'the template no longer has it' }
  }
  return {
    action: 'kept',
    next: ours,
    nextBase: undefined,
    note: 'the template no longer has it; your copy is kept and now yours',
  }
}

/** A seeded file is the service's: only its files section (README) follows the template. */
function decideSeeded(input: FileInput, ours: string, theirs: string): Outcome {
  const next = syncFilesTable(ours, input.base, theirs)
  if (next === ours) return kept(ours, theirs, 'seeded: yours; regen leaves it as it is')
  return {
    action: 'updated',
    next,
    nextBase: theirs,
    note: 'seeded: yours; regen rewrote only its "Files and who owns them" section',
  }
}

function decideTemplateUnchanged(input: FileInput, ours: string): Outcome {
  const note = input.class === 'managed' ? 'managed, edited by hand (regen --force restores it)' : ''
  return { action: 'unchanged', next: ours, nextBase: input.base, note }
}

function decideAppendOnly(input: FileInput, ours: string, theirs: string): Outcome {
  if (isJournal(input.path)) {
    const merged = mergeStructured(input.path, input.base, ours, theirs)
    if (merged && merged.conflicts.length === 0)
      return {
        action: 'merged',
        next: merged.content,
        nextBase: theirs,
        note: 'merged the migration journal',
      }
    return conflict(ours, input.base, merged?.conflicts ?? ['the migration journal does not parse'])
  }
  return conflict(ours, input.base, [
    'append-only: an existing migration is never changed; the template changed it (or added one with the same name)',
  ])
}

async function decideStructured(
  input: FileInput,
  ours: string,
  theirs: string,
): Promise<Outcome | undefined> {
  const merged = mergeStructured(input.path, input.base, ours, theirs)
  if (!merged) return undefined
  if (merged.conflicts.length === 0)
    return { action: 'merged', next: merged.content, nextBase: theirs, note: 'merged key by key' }
  const conflicts = merged.conflicts.map((key) => `both changed ${key}; yours is kept`)
  return { ...conflict(merged.content, input.base, conflicts), next: merged.content }
}

async function decideText(base: string | undefined, ours: string, theirs: string): Promise<Outcome> {
  const merged = await mergeText(base ?? '', ours, theirs)
  if (merged.conflicts === 0)
    return { action: 'merged', next: merged.content, nextBase: theirs, note: 'merged line by line' }
  return {
    action: 'conflict',
    next: merged.content,
    nextBase: theirs,
    note: 'both changed the same lines',
    conflicts: [`${merged.conflicts} hunk(s) both changed`],
    markers: merged.conflicts,
  }
}

function kept(ours: string, theirs: string, note: string): Outcome {
  return { action: 'kept', next: ours, nextBase: theirs, note }
}

/**
 * A conflict that cannot be written into the file: ours stays, and the old base stays recorded, so the
 * next regen reports it again instead of forgetting the template's change.
 */
function conflict(ours: string, base: string | undefined, conflicts: string[]): Outcome {
  return { action: 'conflict', next: ours, nextBase: base, note: conflicts.join('; '), conflicts }
}
