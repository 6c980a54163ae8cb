import { parse, parseDocument, stringify } from 'yaml'
import type { StructuredMerge } from './json-merge.ts'
import { diffThreeWay } from './three-way.ts'

/**
 * Merges YAML key by key with the `yaml` package's Document API: the changes are applied to ours' parsed
 * document, so ours' comments, key order and quoting survive (a value taken from the template loses the
 * template's comments on that value only).
 */
export function mergeYaml(base: string | undefined, ours: string, theirs: string): StructuredMerge {
  const document = parseDocument(ours)
  if (document.errors.length > 0) throw document.errors[0]
  const diff = diffThreeWay(base === undefined ? undefined : parse(base), document.toJS(), parse(theirs))
  for (const change of diff.changes) {
    if (change.path.length === 0) return { content: stringify(change.value, { lineWidth: 0 }), conflicts: [] }
    if (change.value === undefined) document.deleteIn(change.path)
    else document.setIn(change.path, document.createNode(change.value))
  }
  return {
    content: document.toString({ lineWidth: 0 }),
    conflicts: diff.conflicts.map((path) => path.join('.')),
  }
}
