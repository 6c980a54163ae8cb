import { parseDocument } from 'yaml'
import { GeneratorError } from './errors.ts'
import type { TemplateDefinition } from './template.ts'

/** Per shared file, the entries a component owns in it: `section.key` (split at the first dot). */
export type ComponentEntries = Record<string, string[]>

export function getComponentEntries(template: TemplateDefinition, component: string): ComponentEntries {
  return template.components.find((c) => c.name === component)?.entries ?? {}
}

/** The shared files in which any of the given components owns entries. */
export function getEntryFiles(template: TemplateDefinition, components: string[]): string[] {
  return [...new Set(components.flatMap((name) => Object.keys(getComponentEntries(template, name))))]
}

/**
 * The rendered content of a shared file without the entries of the components the service lacks, so
 * that a service generated without `database` has no `db:*` scripts, and `add database` merges them in.
 */
export function removeAbsentEntries(
  template: TemplateDefinition,
  path: string,
  content: string,
  present: string[],
): string {
  const absent = template.components.filter((c) => !present.includes(c.name))
  const keys = absent.flatMap((c) => c.entries?.[path] ?? []).map(splitEntry)
  if (keys.length === 0) return content
  if (path.endsWith('.json')) return removeJsonEntries(path, content, keys)
  if (path.endsWith('.yml') || path.endsWith('.yaml')) return removeYamlEntries(path, content, keys)
  throw invalidEntry(path, 'entries are supported in JSON and YAML files only')
}

function splitEntry(entry: string): [string, string] {
  const dot = entry.indexOf('.')
  return [entry.slice(0, dot), entry.slice(dot + 1)]
}

function removeJsonEntries(path: string, content: string, keys: [string, string][]): string {
  const document = JSON.parse(content) as Record<string, Record<string, unknown> | undefined>
  for (const [section, key] of keys) {
    const object = document[section]
    if (!object || !(key in object)) throw invalidEntry(path, `${section}.${key} is not in the rendered file`)
    delete object[key]
  }
  return `${JSON.stringify(document, null, 2)}\n`
}

function removeYamlEntries(path: string, content: string, keys: [string, string][]): string {
  const document = parseDocument(content)
  for (const [section, key] of keys) {
    if (!document.hasIn([section, key]))
      throw invalidEntry(path, `${section}.${key} is not in the rendered file`)
    document.deleteIn([section, key])
  }
  return document.toString({ lineWidth: 0 })
}

function invalidEntry(path: string, reason: string): GeneratorError {
  return new GeneratorError('SHIPSHAPE_TEMPLATE_INVALID', `Component entries in ${path}: ${reason}.`)
}
