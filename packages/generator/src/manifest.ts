import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { ServiceAnswers } from './answers.ts'
import { getComponentOf, getOwnershipOf, type LoadedTemplate, type OwnershipClass } from './template.ts'

/** Where a service keeps what the generator wrote: the manifest and, under base/, each file as generated. */
export const manifestDir = '.shipshape'
export const manifestPath = `${manifestDir}/manifest.json`
export const baseDir = `${manifestDir}/base`

export type ManifestFile = { class: OwnershipClass; sha256: string }

export type ServiceManifest = {
  manifestVersion: 1
  template: { name: string; version: string }
  answers: ServiceAnswers
  components: Record<string, { version: string; files: Record<string, ManifestFile> }>
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
): ServiceManifest {
  const components: ServiceManifest['components'] = {}
  for (const component of template.components)
    components[component.name] = { version: template.version, files: {} }
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const component = components[getComponentOf(template, file.path)]
    if (component)
      component.files[file.path] = {
        class: getOwnershipOf(template, file.path),
        sha256: hashContent(file.content),
      }
  }
  return {
    manifestVersion: 1,
    template: { name: template.name, version: template.version },
    answers,
    components,
  }
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
