import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, matchesGlob } from 'node:path'
import { fileURLToPath } from 'node:url'
import { GeneratorError } from './errors.ts'

/** How a generated file is owned once it is on disk; regeneration treats each class differently. */
export type OwnershipClass = 'managed' | 'seeded' | 'merged' | 'structured' | 'append-only'

export type TemplateComponent = {
  name: string
  description: string
  files: string[]
  /** Entries this component owns inside other components' structured files (file → `section.key`). */
  entries?: Record<string, string[]>
}

/** The data that describes a template: its version, its components and who owns each file. */
export type TemplateDefinition = {
  name: string
  version: string
  description: string
  components: TemplateComponent[]
  ownership: { pattern: string; class: OwnershipClass }[]
  renames: Record<string, string>
  /** Every container image the template names, pinned by digest, with where the digest was taken from. */
  images: Record<string, { ref: string; source: string }>
  /** The Biome configuration (the template's style) every render is formatted with. */
  biome: object
}

export type LoadedTemplate = TemplateDefinition & { dir: string }

/**
 * Finds the templates folder: the copy packed into the CLI tarball when there is one, else the repository's
 * own `templates/` (the generator runs from source inside the monorepo).
 */
export function findTemplatesRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'templates')
    if (existsSync(join(candidate, 'service.json'))) return candidate
    if (dirname(dir) === dir) break
  }
  throw new GeneratorError('SHIPSHAPE_TEMPLATE_INVALID', `No templates/service.json above ${from}.`)
}

export function loadTemplate(name: string, root = findTemplatesRoot()): LoadedTemplate {
  const definition = JSON.parse(readFileSync(join(root, `${name}.json`), 'utf8')) as TemplateDefinition
  return { ...definition, dir: join(root, name) }
}

/** The component a rendered file belongs to; every file must belong to exactly one. */
export function getComponentOf(template: TemplateDefinition, file: string): string {
  const owners = template.components.filter((component) => component.files.some((p) => matchesGlob(file, p)))
  const [owner, ...others] = owners
  if (!owner || others.length > 0) {
    const found = owners.map((c) => c.name).join(', ') || 'none'
    throw new GeneratorError(
      'SHIPSHAPE_TEMPLATE_INVALID',
      `Template file ${file} must belong to exactly one component (found: ${found}).`,
    )
  }
  return owner.name
}

export function getOwnershipOf(template: TemplateDefinition, file: string): OwnershipClass {
  const rule = template.ownership.find((r) => matchesGlob(file, r.pattern))
  if (!rule) throw new GeneratorError('SHIPSHAPE_TEMPLATE_INVALID', `No ownership rule matches ${file}.`)
  return rule.class
}
