import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ServiceAnswers } from './answers.ts'
import { type ClassifiedFile, classifyFiles } from './finish-render.ts'
import { getTemplateData, renderTemplate } from './render.ts'
import { assertInsideService } from './service-state.ts'
import type { LoadedTemplate } from './template.ts'

export type RenderedEntry = ClassifiedFile

/** What the template renders today for the service's answers, keyed by path, with component and class. */
export async function renderForService(
  template: LoadedTemplate,
  answers: ServiceAnswers,
  options: { inWorkspace: boolean },
): Promise<Map<string, RenderedEntry>> {
  const staging = await mkdtemp(join(tmpdir(), 'shipshape-render-'))
  try {
    const files = await renderTemplate(template, answers, staging, options)
    return new Map(classifyFiles(template, files).map((entry) => [entry.path, entry]))
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}

/** The template's renames (old path → new path), with `{{placeholders}}` filled from the answers. */
export function getRenames(
  template: LoadedTemplate,
  answers: ServiceAnswers,
  options: { inWorkspace: boolean },
): Map<string, string> {
  const data: Record<string, unknown> = getTemplateData(answers, template, options)
  const fill = (pattern: string) =>
    pattern.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => {
      const value = data[key]
      return typeof value === 'string' || typeof value === 'number' ? String(value) : whole
    })
  const renames = new Map<string, string>()
  for (const [from, to] of Object.entries(template.renames ?? {})) {
    const pair = [fill(from), fill(to)] as const
    pair.forEach(assertInsideService)
    renames.set(...pair)
  }
  return renames
}
