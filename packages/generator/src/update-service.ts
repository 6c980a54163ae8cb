import { assertCommitted } from './git-status.ts'
import type { FileAction } from './plan-file.ts'
import { planUpdate } from './plan-update.ts'
import { getRenames, type RenderedEntry, renderForService } from './render-service.ts'
import { readServiceState, type ServiceState } from './service-state.ts'
import { type LoadedTemplate, loadTemplate, type OwnershipClass } from './template.ts'
import { getUnifiedDiff } from './unified-diff.ts'
import { writeAllOrNothing } from './write-files.ts'

export type UpdateOptions = {
  /** Where the command runs; the workspace is found from here upwards. */
  cwd: string
  /** The service's name: apps/<service>. */
  service: string
  /** Plan and report (with a unified diff), write nothing. */
  dryRun?: boolean
  /** Plan and report for CI, write nothing. */
  check?: boolean
  /** Run even when the service has uncommitted changes in git (or is not in git at all). */
  allowDirty?: boolean
  /** Managed files: replace the service's hand edits with the template's version. */
  force?: boolean
  templatesRoot?: string
}

export type FileReport = {
  path: string
  from?: string
  component: string
  class: OwnershipClass
  action: FileAction
  conflicts: string[]
  /**
   * Conflicting hunks between `<<<<<<< yours` and `>>>>>>> template` markers in the file (written when the
   * report's `written` is true; under check or dry-run they would be). 0: a conflict leaves the file as it is.
   */
  markers: number
  note: string
}

/** current: nothing to do; pending: changes waiting (nothing written); updated: written; conflicts: see files. */
export type UpdateOutcome = 'current' | 'pending' | 'updated' | 'conflicts'

export type UpdateReport = {
  service: string
  dir: string
  template: { name: string; version: string }
  components: string[]
  outcome: UpdateOutcome
  written: boolean
  /** Every file whose action is not "unchanged", or that carries a note. */
  files: FileReport[]
  /** Paths (relative to the service) written or deleted, including the .shipshape/ record. */
  writes: string[]
  /** Unified diff of the service's own files. */
  diff: string
}

export type UpdateContext = {
  state: ServiceState
  template: LoadedTemplate
  rendered: Map<string, RenderedEntry>
  renames: Map<string, string>
}

/** Reads the service, refuses a dirty tree when about to write, and renders today's template for it. */
export async function loadUpdateContext(options: UpdateOptions): Promise<UpdateContext> {
  const state = await readServiceState(options.cwd, options.service)
  if (isWriting(options) && !options.allowDirty) await assertCommitted(state.dir, state.workspace.root)
  const template = loadTemplate(state.manifest.template.name, options.templatesRoot)
  const renderOptions = { inWorkspace: state.workspace.hasBuildingBlocks }
  const rendered = await renderForService(template, state.manifest.answers, renderOptions)
  return { state, template, rendered, renames: getRenames(template, state.manifest.answers, renderOptions) }
}

/** Plans the components, writes all of it or none of it (unless dry-run/check), and reports. */
export async function updateComponents(
  context: UpdateContext,
  components: string[],
  options: UpdateOptions,
): Promise<UpdateReport> {
  const plan = await planUpdate({ ...context, components, force: options.force === true })
  const writing = isWriting(options) && plan.writes.length > 0
  if (writing) await writeAllOrNothing(context.state.dir, plan.writes)
  const files = plan.files
    .filter((file) => file.action !== 'unchanged' || file.note !== '' || file.from !== undefined)
    .map(({ path, from, component, class: ownership, action, conflicts, markers, note }) => ({
      path,
      ...(from ? { from } : {}),
      component,
      class: ownership,
      action,
      conflicts,
      markers,
      note,
    }))
  const hasConflicts = plan.files.some((file) => file.action === 'conflict')
  const outcome = hasConflicts
    ? 'conflicts'
    : plan.writes.length === 0
      ? 'current'
      : writing
        ? 'updated'
        : 'pending'
  return {
    service: context.state.name,
    dir: context.state.dir,
    template: { name: context.template.name, version: context.template.version },
    components,
    outcome,
    written: writing,
    files,
    writes: plan.writes.map((write) => write.path),
    diff: getUnifiedDiff(plan.files),
  }
}

function isWriting(options: UpdateOptions): boolean {
  return !options.dryRun && !options.check
}
