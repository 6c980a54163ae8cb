import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { ServiceAnswers } from './answers.ts'
import { getComponentEntries } from './entries.ts'
import { classifyFiles } from './finish-render.ts'
import type { LoadedTemplate, OwnershipClass } from './template.ts'

/** Where a service keeps what the generator wrote: the manifest and, under base/, each file as generated. */
export const manifestDir = '.shipshape'
export const manifestPath = `${manifestDir}/manifest.json`
export const baseDir = `${manifestDir}/base`

export type ManifestFile = { class: OwnershipClass; sha256: string }

export type ServiceManifest = {
  manifestVersion: 1
  template: { name: string; version: string }
  answers: ServiceAnswers
  components: Record<string, ManifestComponent>
}

/** `entries`: what the component owns inside other components' shared files (file → `section.key`). */
export type ManifestComponent = {
  version: string
  entries?: Record<string, string[]>
  files: Record<string, ManifestFile>
}

export type RenderedFile = { path: string; content: string }

export function hashContent(content: string): string {
  return createHash('sha256').update(content).digest('hex')
}

/**
 * Records, per component, each file's ownership class and hash. The content itself goes to base/ so that a
 * later regeneration has the merge base without ever re-rendering an old template version.
 */
export function createManifest(
  template: LoadedTemplate,
  answers: ServiceAnswers,
  files: RenderedFile[],
  componentNames: string[] = template.components.map((component) => component.name),
): ServiceManifest {
  const versions = Object.fromEntries(componentNames.map((name) => [name, template.version]))
  const entries = Object.fromEntries(
    componentNames.map((name) => [name, getComponentEntries(template, name)]),
  )
  return buildManifest(template, answers, versions, classifyFiles(template, files), entries)
}

export type ManifestRecord = RenderedFile & { component: string; class: OwnershipClass }

/** The manifest for the given components (name → version) and base contents, in one stable order. */
export function buildManifest(
  template: LoadedTemplate,
  answers: ServiceAnswers,
  versions: Record<string, string>,
  records: ManifestRecord[],
  entries: Record<string, Record<string, string[]>> = {},
): ServiceManifest {
  const order = [...template.components.map((c) => c.name), ...Object.keys(versions)]
  const components: ServiceManifest['components'] = {}
  for (const name of order) {
    const version = versions[name]
    if (version === undefined || components[name]) continue
    const owned = entries[name] ?? {}
    components[name] = { version, ...(Object.keys(owned).length > 0 ? { entries: owned } : {}), files: {} }
  }
  for (const record of [...records].sort((a, b) => a.path.localeCompare(b.path))) {
    const component = components[record.component]
    if (component) component.files[record.path] = { class: record.class, sha256: hashContent(record.content) }
  }
  const allCurrent = Object.values(components).every((c) => c.version === template.version)
  return {
    manifestVersion: 1,
    template: { name: template.name, version: allCurrent ? template.version : getOldest(versions) },
    answers,
    components,
  }
}

function getOldest(versions: Record<string, string>): string {
  return Object.values(versions).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))[0] ?? ''
}

export async function writeManifest(
  serviceDir: string,
  manifest: ServiceManifest,
  files: RenderedFile[],
): Promise<void> {
  await mkdir(join(serviceDir, manifestDir), { recursive: true })
  await writeFile(join(serviceDir, manifestPath), `${JSON.stringify(manifest, null, 2)}\n`)
  for (const file of files) {
    const target = join(serviceDir, baseDir, file.path)
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, file.content)
  }
}
