import { basename } from 'node:path'
import { mergeEnv } from './env-merge.ts'
import { mergeJournal } from './journal-merge.ts'
import { mergeJson, type StructuredMerge } from './json-merge.ts'
import { mergeYaml } from './yaml-merge.ts'

type Merger = (base: string | undefined, ours: string, theirs: string) => StructuredMerge

export function isJournal(path: string): boolean {
  return path.endsWith('drizzle/meta/_journal.json')
}

function getMerger(path: string): Merger | undefined {
  if (isJournal(path)) return mergeJournal
  if (path.endsWith('.json')) return mergeJson
  if (path.endsWith('.yml') || path.endsWith('.yaml')) return mergeYaml
  if (basename(path).startsWith('.env')) return mergeEnv
  return undefined
}

/**
 * Merges a structured file key by key; `undefined` when the format is not known or a side does not parse
 * (a hand-broken package.json, say), so the caller falls back to a line merge that shows both sides.
 */
export function mergeStructured(
  path: string,
  base: string | undefined,
  ours: string,
  theirs: string,
): StructuredMerge | undefined {
  const merger = getMerger(path)
  if (!merger) return undefined
  try {
    return merger(base, ours, theirs)
  } catch {
    return undefined
  }
}
