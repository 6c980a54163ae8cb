import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import nodePlop from 'node-plop'
import pluralize from 'pluralize'
import type { ServiceAnswers } from './answers.ts'
import { GeneratorError } from './errors.ts'
import type { RenderedFile } from './manifest.ts'
import type { LoadedTemplate } from './template.ts'
import { pnpmVersion } from './versions.ts'

/** What templates see: the answers plus names derived from them, so templates hold no logic. */
export function getTemplateData(
  answers: ServiceAnswers,
  template: LoadedTemplate,
  options: { inWorkspace: boolean },
) {
  return {
    ...answers,
    singular: pluralize.singular(answers.resource),
    templateVersion: template.version,
    // npm drops dotfiles like .gitignore from tarballs, so the template names them {{dot}}gitignore.
    dot: '.',
    images: template.images,
    pnpmVersion,
    sourceCondition: options.inWorkspace ? ' --conditions=@shipshape/source' : '',
    // The same for a tool that starts Node itself (drizzle-kit loads src/db/schema.ts, which imports packages).
    sourceNodeOptions: options.inWorkspace ? 'NODE_OPTIONS=--conditions=@shipshape/source ' : '',
    // Inside the monorepo a service links the building blocks; elsewhere the workspace catalog pins them.
    deps: { shipshape: options.inWorkspace ? 'workspace:*' : 'catalog:' },
  }
}

/** The plop actions for one template: every file under its folder, rendered with Handlebars. */
export function getTemplateActions(template: LoadedTemplate, destination = '.') {
  return [
    {
      type: 'addMany' as const,
      destination,
      base: template.dir,
      templateFiles: `${template.dir}/**/*`,
      stripExtensions: [],
      globOptions: { dot: true },
      abortOnFail: true,
      verbose: false,
    },
  ]
}

/** Renders the template into `targetDir` (which must be empty) and returns what was written. */
export async function renderTemplate(
  template: LoadedTemplate,
  answers: ServiceAnswers,
  targetDir: string,
  options: { inWorkspace: boolean },
): Promise<RenderedFile[]> {
  const plop = await nodePlop('', { destBasePath: targetDir, force: false })
  const generator = plop.setGenerator(template.name, {
    description: template.description,
    prompts: [],
    actions: getTemplateActions(template),
  })
  const data = getTemplateData(answers, template, options)
  const { failures } = await generator.runActions(data)
  if (failures.length > 0) {
    const reasons = failures.map((f) => `${f.path}: ${f.error}`).join('; ')
    throw new GeneratorError(
      'SHIPSHAPE_RENDER_FAILED',
      `Rendering the ${template.name} template failed: ${reasons}`,
    )
  }
  return readTree(targetDir)
}

async function readTree(dir: string): Promise<RenderedFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name))
  return Promise.all(
    files.map(async (file) => ({ path: relative(dir, file), content: await readFile(file, 'utf8') })),
  )
}
