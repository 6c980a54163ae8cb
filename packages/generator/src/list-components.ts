import { getComponentEntries } from './entries.ts'
import { hashContent } from './manifest.ts'
import { renderPresent } from './plan-update.ts'
import { readServiceFile } from './service-state.ts'
import { loadUpdateContext, type UpdateContext } from './update-service.ts'

/** current: as generated and as the template renders; modified: the service edited it; behind: the template moved on. */
export type ComponentState = 'current' | 'modified' | 'behind' | 'behind, modified' | 'absent'

export type ComponentStatus = {
  name: string
  description: string
  /** The template version the service recorded for it; undefined when the service lacks the component. */
  version: string | undefined
  templateVersion: string
  state: ComponentState
  /** Files the service changed (or deleted) since they were generated. */
  modified: string[]
  /** Files the template now renders differently from the recorded base (or adds, or drops). */
  behind: string[]
  /** What it owns in shared files, as `file: section.key` (an absent component: what `add` brings). */
  entries: string[]
}

export type ServiceStatus = { service: string; dir: string; components: ComponentStatus[] }

/** Each component of the service's template: its recorded version and whether it is current. */
export async function listComponents(options: {
  cwd: string
  service: string
  templatesRoot?: string
}): Promise<ServiceStatus> {
  const loaded = await loadUpdateContext({ ...options, check: true })
  const present = Object.keys(loaded.state.manifest.components)
  const context = { ...loaded, rendered: await renderPresent(loaded, present) }
  const components: ComponentStatus[] = []
  for (const component of context.template.components) {
    components.push(await getStatus(context, component.name, component.description))
  }
  return { service: context.state.name, dir: context.state.dir, components }
}

async function getStatus(
  context: UpdateContext,
  name: string,
  description: string,
): Promise<ComponentStatus> {
  const recorded = context.state.manifest.components[name]
  const templateVersion = context.template.version
  const entries = formatEntries(
    recorded ? (recorded.entries ?? {}) : getComponentEntries(context.template, name),
  )
  if (!recorded)
    return {
      name,
      description,
      version: undefined,
      templateVersion,
      state: 'absent',
      modified: [],
      behind: [],
      entries,
    }
  const modified: string[] = []
  for (const [path, file] of Object.entries(recorded.files)) {
    const current = await readServiceFile(context.state.dir, path)
    if (current === undefined || hashContent(current) !== file.sha256) modified.push(path)
  }
  const rendered = [...context.rendered.values()].filter((entry) => entry.component === name)
  const behind = rendered
    .filter((entry) => context.state.base.get(entry.path) !== entry.content)
    .map((e) => e.path)
  const dropped = Object.keys(recorded.files).filter((path) => !context.rendered.has(path))
  behind.push(...dropped)
  const isBehind = behind.length > 0 || recorded.version !== templateVersion
  const state = isBehind
    ? modified.length > 0
      ? 'behind, modified'
      : 'behind'
    : modified.length > 0
      ? 'modified'
      : 'current'
  return {
    name,
    description,
    version: recorded.version,
    templateVersion,
    state,
    modified,
    behind: behind.sort(),
    entries,
  }
}

function formatEntries(entries: Record<string, string[]>): string[] {
  return Object.entries(entries).flatMap(([file, keys]) => keys.map((key) => `${file}: ${key}`))
}
