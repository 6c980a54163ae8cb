import { diffThreeWay, getAnchorKey, isPlainObject, type ValueChange } from './three-way.ts'

export type StructuredMerge = { content: string; conflicts: string[] }

/** Merges JSON documents key by key, keeping ours' formatting (indent, final newline) and key order. */
export function mergeJson(base: string | undefined, ours: string, theirs: string): StructuredMerge {
  const parsed = {
    base: base === undefined ? undefined : JSON.parse(base),
    ours: JSON.parse(ours),
    theirs: JSON.parse(theirs),
  }
  const diff = diffThreeWay(parsed.base, parsed.ours, parsed.theirs)
  let merged: unknown = parsed.ours
  for (const change of diff.changes) merged = applyChange(merged, parsed.theirs, change)
  const content = JSON.stringify(merged, null, getIndent(ours)) + (ours.endsWith('\n') ? '\n' : '')
  return { content, conflicts: diff.conflicts.map((path) => path.join('.')) }
}

function applyChange(root: unknown, theirsRoot: unknown, change: ValueChange): unknown {
  if (change.path.length === 0) return change.value
  const [key, ...rest] = change.path
  if (!isPlainObject(root) || key === undefined) return root
  const theirs = isPlainObject(theirsRoot) ? theirsRoot : {}
  const next = applyChange(root[key], theirs[key], { path: rest, value: change.value })
  return setKey(root, theirs, key, next)
}

/** Sets (or with undefined, removes) a key; a new key lands after its predecessor in theirs. */
function setKey(
  object: Record<string, unknown>,
  theirs: Record<string, unknown>,
  key: string,
  value: unknown,
) {
  if (value === undefined) return Object.fromEntries(Object.entries(object).filter(([k]) => k !== key))
  if (key in object) return { ...object, [key]: value }
  const anchor = getAnchorKey(theirs, object, key)
  const entries = Object.entries(object)
  const at = anchor === undefined ? 0 : entries.findIndex(([k]) => k === anchor) + 1
  entries.splice(at, 0, [key, value])
  return Object.fromEntries(entries)
}

function getIndent(text: string): string {
  return /^([ \t]+)\S/m.exec(text)?.[1] ?? '  '
}
