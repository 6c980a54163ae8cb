import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { classifyFiles, finishRender } from './finish-render.ts'
import { createManifest, hashContent, manifestPath, type ServiceManifest } from './manifest.ts'
import { renderTemplate } from './render.ts'
import { loadTemplate } from './template.ts'

export type DriftReport = {
  /** Files whose recorded merge base differs from what the current template renders. */
  templateChanged: string[]
  /** Files the service changed since generation (reported, not an error: the service owns them). */
  editedByService: string[]
  /** Files the manifest records that are gone from the service. */
  missing: string[]
  /** True when the manifest itself (answers, classes, hashes) would be written differently today. */
  manifestStale: boolean
}

/**
 * Compares a generated service with what the current template renders for the same answers, so CI can
 * fail when templates move on without the reference service (or a service drifts from its record).
 */
export async function checkDrift(
  serviceDir: string,
  options: { inWorkspace: boolean },
  templatesRoot?: string,
): Promise<DriftReport> {
  const manifest = JSON.parse(readFileSync(join(serviceDir, manifestPath), 'utf8')) as ServiceManifest
  const template = loadTemplate(manifest.template.name, templatesRoot)
  const staging = await mkdtemp(join(tmpdir(), 'shipshape-drift-'))
  try {
    const rendered = await renderTemplate(template, manifest.answers, staging, options)
    const allComponents = template.components.map((component) => component.name)
    const files = await finishRender(template, classifyFiles(template, rendered), allComponents)
    const expected = createManifest(template, manifest.answers, files)
    const report: DriftReport = {
      templateChanged: [],
      editedByService: [],
      missing: [],
      manifestStale: false,
    }
    report.manifestStale = JSON.stringify(expected) !== JSON.stringify(manifest)
    for (const file of files) {
      const base = join(serviceDir, '.shipshape', 'base', file.path)
      if (!existsSync(base) || readFileSync(base, 'utf8') !== file.content)
        report.templateChanged.push(file.path)
      const current = join(serviceDir, file.path)
      if (!existsSync(current)) report.missing.push(file.path)
      else if (hashContent(readFileSync(current, 'utf8')) !== hashContent(file.content))
        report.editedByService.push(file.path)
    }
    return report
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}
