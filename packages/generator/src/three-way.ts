import { isDeepStrictEqual } from 'node:util'

/** A change to apply to "ours": set the value at path, or delete it when `value` is undefined. */
export type ValueChange = { path: string[]; value: unknown }

export type ThreeWayDiff = { changes: ValueChange[]; conflicts: string[][] }

type Plain = Record<string, unknown>

export function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Key-by-key 3-way merge of parsed documents: what the template changed since base is applied to ours unless
 * ours changed the same key differently (a conflict, ours kept). Objects recurse; arrays and scalars are
 * single values, because merging list items by position would silently mix two intents.
 */
export function diffThreeWay(
  base: unknown,
  ours: unknown,
  theirs: unknown,
  path: string[] = [],
): ThreeWayDiff {
  if (isDeepStrictEqual(ours, theirs) || isDeepStrictEqual(base, theirs))
    return { changes: [], conflicts: [] }
  if (isDeepStrictEqual(base, ours)) return { changes: [{ path, value: theirs }], conflicts: [] }
  if (isPlainObject(ours) && isPlainObject(theirs) && (base === undefined || isPlainObject(base))) {
    return diffObjects(base ?? {}, ours, theirs, path)
  }
  return { changes: [], conflicts: [path] }
}

function diffObjects(base: Plain, ours: Plain, theirs: Plain, path: string[]): ThreeWayDiff {
  const result: ThreeWayDiff = { changes: [], conflicts: [] }
  const keys = new Set([...Object.keys(base), ...Object.keys(ours), ...Object.keys(theirs)])
  for (const key of keys) {
    const child = diffThreeWay(base[key], ours[key], theirs[key], [...path, key])
    result.changes.push(...child.changes)
    result.conflicts.push(...child.conflicts)
  }
  return result
}

/** The key that precedes `key` in theirs and already exists in ours: new keys go right after it. */
export function getAnchorKey(theirs: Plain, ours: Plain, key: string): string | undefined {
  const keys = Object.keys(theirs)
  for (let index = keys.indexOf(key) - 1; index >= 0; index--) {
    const candidate = keys[index]
    if (candidate !== undefined && candidate in ours) return candidate
  }
  return undefined
}
