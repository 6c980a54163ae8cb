import { getComponentEntries, getEntryFiles } from './entries.ts'
import { finishRender } from './finish-render.ts'
import {
  baseDir,
  buildManifest,
  type ManifestRecord,
  manifestPath,
  type ServiceManifest,
} from './manifest.ts'
import { hasFilesTable } from './ownership-marks.ts'
import { type FileInput, type FilePlan, planFile } from './plan-file.ts'
import type { RenderedEntry } from './render-service.ts'
import { readServiceFile, type ServiceState } from './service-state.ts'
import type { LoadedTemplate, OwnershipClass } from './template.ts'
import type { FileWrite } from './write-files.ts'

export type UpdateInput = {
  state: ServiceState
  template: LoadedTemplate
  rendered: Map<string, RenderedEntry>
  renames: Map<string, string>
  /** The components to bring up to date (or to add). */
  components: string[]
  force: boolean
}

export type UpdatePlan = { files: FilePlan[]; manifest: ServiceManifest; writes: FileWrite[] }

type Recorded = { component: string; class: OwnershipClass }

/** Plans every file of the chosen components, the manifest after, and the writes that get there. */
export async function planUpdate(input: UpdateInput): Promise<UpdatePlan> {
  const present = [...new Set([...Object.keys(input.state.manifest.components), ...input.components])]
  const inputs = await collectInputs({ ...input, rendered: await renderPresent(input, present) })
  const files: FilePlan[] = []
  for (const file of inputs) files.push(await planFile(file, { force: input.force }))
  const manifest = planManifest(input, files)
  return { files, manifest, writes: planWrites(input.state, files, manifest) }
}

function getRecorded(manifest: ServiceManifest): Map<string, Recorded> {
  const recorded = new Map<string, Recorded>()
  for (const [component, entry] of Object.entries(manifest.components)) {
    for (const [path, file] of Object.entries(entry.files))
      recorded.set(path, { component, class: file.class })
  }
  return recorded
}

async function collectInputs(input: UpdateInput): Promise<FileInput[]> {
  const { state, rendered, components } = input
  const recorded = getRecorded(state.manifest)
  const oldPaths = [...recorded].filter(([, r]) => components.includes(r.component)).map(([path]) => path)
  const entryFiles = getEntryFiles(input.template, components)
  const newPaths = [...rendered.values()]
    .filter(
      (e) => components.includes(e.component) || entryFiles.includes(e.path) || hasFilesTable(e.content),
    )
    .map((e) => e.path)
  const renamedFrom = new Map<string, string>()
  for (const [from, to] of input.renames) {
    if (oldPaths.includes(from) && rendered.has(to) && !rendered.has(from) && !recorded.has(to))
      renamedFrom.set(to, from)
  }
  const movedAway = new Set(renamedFrom.values())
  const paths = [...new Set([...newPaths, ...oldPaths.filter((p) => !movedAway.has(p))])].sort()
  return Promise.all(
    paths.map(async (path): Promise<FileInput> => {
      const from = renamedFrom.get(path)
      const source = from ?? path
      const entry = rendered.get(path)
      const old = recorded.get(source)
      return {
        path,
        ...(from ? { from } : {}),
        component: entry?.component ?? old?.component ?? '',
        class: entry?.class ?? old?.class ?? 'merged',
        base: state.base.get(source),
        ours: await readServiceFile(state.dir, source),
        theirs: entry?.content,
      }
    }),
  )
}

/** Today's render as a service with the `present` components gets it (see finishRender). */
export async function renderPresent(
  input: Pick<UpdateInput, 'template' | 'rendered'>,
  present: string[],
): Promise<Map<string, RenderedEntry>> {
  const finished = await finishRender(input.template, [...input.rendered.values()], present)
  return new Map(finished.map((entry) => [entry.path, entry]))
}

function planManifest(input: UpdateInput, files: FilePlan[]): ServiceManifest {
  const { state, template } = input
  const versions: Record<string, string> = {}
  const entries: Record<string, Record<string, string[]>> = {}
  for (const [name, entry] of Object.entries(state.manifest.components)) {
    versions[name] = entry.version
    entries[name] = entry.entries ?? {}
  }
  for (const name of input.components) {
    versions[name] = template.version
    entries[name] = getComponentEntries(template, name)
  }
  const touched = new Set(files.flatMap((f) => (f.from ? [f.path, f.from] : [f.path])))
  const records: ManifestRecord[] = []
  for (const [path, old] of getRecorded(state.manifest)) {
    const content = state.base.get(path)
    if (!touched.has(path) && content !== undefined) records.push({ path, content, ...old })
  }
  for (const file of files) {
    if (file.nextBase !== undefined)
      records.push({ path: file.path, content: file.nextBase, component: file.component, class: file.class })
  }
  return buildManifest(template, state.manifest.answers, versions, records, entries)
}

function planWrites(state: ServiceState, files: FilePlan[], manifest: ServiceManifest): FileWrite[] {
  const service: FileWrite[] = []
  const base: FileWrite[] = []
  for (const file of files) {
    if (file.from) {
      if (file.ours !== undefined) service.push({ path: file.from, content: undefined })
      if (file.next !== undefined) service.push({ path: file.path, content: file.next })
      base.push(
        { path: `${baseDir}/${file.from}`, content: undefined },
        { path: `${baseDir}/${file.path}`, content: file.nextBase },
      )
      continue
    }
    if (file.next !== file.ours) service.push({ path: file.path, content: file.next })
    if (file.nextBase !== file.base) base.push({ path: `${baseDir}/${file.path}`, content: file.nextBase })
  }
  const manifestText = serializeManifest(manifest)
  const last = manifestText === state.manifestText ? [] : [{ path: manifestPath, content: manifestText }]
  return [...service, ...base, ...last]
}

export function serializeManifest(manifest: ServiceManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`
}
