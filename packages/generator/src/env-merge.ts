import type { StructuredMerge } from './json-merge.ts'
import { diffThreeWay, getAnchorKey } from './three-way.ts'

const assignment = /^#?\s*([A-Za-z_][A-Za-z0-9_]*)=/

/**
 * Merges `.env.example` files variable by variable. Each blank-line separated paragraph (its comments and
 * its `KEY=` line, commented out or not) is one entry, keyed by its variable; a paragraph without a variable
 * is keyed by its position among such paragraphs.
 */
export function mergeEnv(base: string | undefined, ours: string, theirs: string): StructuredMerge {
  const parsed = {
    base: base === undefined ? {} : parseEnv(base),
    ours: parseEnv(ours),
    theirs: parseEnv(theirs),
  }
  const diff = diffThreeWay(parsed.base, parsed.ours, parsed.theirs)
  const merged = { ...parsed.ours }
  let order = Object.keys(parsed.ours)
  for (const change of diff.changes) {
    const key = change.path[0]
    if (key === undefined) continue
    if (change.value === undefined) {
      delete merged[key]
      order = order.filter((k) => k !== key)
      continue
    }
    if (!(key in merged)) order = insertAfter(order, key, getAnchorKey(parsed.theirs, merged, key))
    merged[key] = String(change.value)
  }
  const paragraphs = order.map((key) => merged[key])
  return { content: `${paragraphs.join('\n\n')}\n`, conflicts: diff.conflicts.map((path) => path.join('.')) }
}

function parseEnv(text: string): Record<string, string> {
  const entries: Record<string, string> = {}
  const paragraphs = text.replace(/\n+$/, '').split(/\n\s*\n/)
  let free = 0
  for (const paragraph of paragraphs) {
    const keyLine = paragraph.split('\n').findLast((line) => assignment.test(line))
    const key = keyLine === undefined ? `#${free++}` : (assignment.exec(keyLine)?.[1] ?? '')
    if (key in entries) throw new Error(`${key} appears twice`)
    entries[key] = paragraph
  }
  return entries
}

function insertAfter(order: string[], key: string, anchor: string | undefined): string[] {
  const at = anchor === undefined ? 0 : order.indexOf(anchor) + 1
  return [...order.slice(0, at), key, ...order.slice(at)]
}
