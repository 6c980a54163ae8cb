import type { StructuredMerge } from './json-merge.ts'

type JournalEntry = { idx: number; when: number; tag: string }
type Journal = { entries: JournalEntry[] }

/**
 * Merges drizzle's migration journal (drizzle/meta/_journal.json), which both sides only ever append to.
 * The template's new entries go after the service's own. That is clean only when every new template entry is
 * younger than every entry the service added: drizzle applies a migration only when it is newer than the
 * last one a database applied, so an older one would be skipped silently on databases already migrated.
 */
export function mergeJournal(base: string | undefined, ours: string, theirs: string): StructuredMerge {
  const parsed = {
    base: base === undefined ? { entries: [] } : readJournal(base),
    ours: readJournal(ours),
    theirs: readJournal(theirs),
  }
  const baseTags = parsed.base.entries.map((entry) => entry.tag)
  if (!startsWith(parsed.ours, baseTags) || !startsWith(parsed.theirs, baseTags)) {
    return { content: ours, conflicts: ['entries: an existing migration entry was changed or removed'] }
  }
  const oursNew = parsed.ours.entries.slice(baseTags.length)
  const theirsNew = parsed.theirs.entries
    .slice(baseTags.length)
    .filter((e) => !oursNew.some((o) => o.tag === e.tag))
  if (theirsNew.length === 0) return { content: ours, conflicts: [] }
  if (oursNew.length === 0) return { content: theirs, conflicts: [] }
  const youngestOurs = Math.max(...oursNew.map((entry) => entry.when))
  const stale = theirsNew.filter((entry) => entry.when <= youngestOurs)
  if (stale.length > 0) {
    const tags = stale.map((entry) => entry.tag).join(', ')
    return {
      content: ours,
      conflicts: [`entries: the template's ${tags} is older than your newest migration`],
    }
  }
  const count = parsed.ours.entries.length
  const entries = [
    ...parsed.ours.entries,
    ...theirsNew.map((entry, index) => ({ ...entry, idx: count + index })),
  ]
  const content = JSON.stringify({ ...parsed.ours, entries }, null, 2) + (ours.endsWith('\n') ? '\n' : '')
  return { content, conflicts: [] }
}

function readJournal(text: string): Journal {
  const value = JSON.parse(text) as Journal
  if (!Array.isArray(value.entries)) throw new Error('the journal has no entries array')
  return value
}

function startsWith(journal: Journal, tags: string[]): boolean {
  return tags.every((tag, index) => journal.entries[index]?.tag === tag)
}
