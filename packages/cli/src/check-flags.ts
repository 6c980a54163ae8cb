import type { ArgsDef } from 'citty'
import { UsageError } from './errors.ts'

/** citty accepts any flag; a typo like --prot must fail loudly instead of being ignored. */
export function assertKnownFlags(rawArgs: string[], args: ArgsDef): void {
  const known = new Set<string>()
  const takesValue = new Set<string>()
  for (const [name, def] of Object.entries(args)) {
    if (def.type === 'positional') continue
    known.add(name)
    if (def.type === 'string') takesValue.add(name)
    if (def.type === 'boolean') known.add(`no-${name}`)
    for (const alias of 'alias' in def ? [def.alias ?? []].flat() : []) known.add(alias)
  }
  for (const raw of rawArgs) {
    if (raw === '--') break
    if (!raw.startsWith('-') || raw === '-') continue
    const flag = raw.replace(/^--?/, '').split('=')[0] ?? ''
    if (!known.has(flag)) {
      const list = [...known]
        .filter((f) => !f.startsWith('no-'))
        .map((f) => `--${f}`)
        .join(', ')
      throw new UsageError(`Unknown option ${raw.split('=')[0]}. Options: ${list}.`)
    }
  }
  // citty would take the next flag as the value (`--port --yes` is port "--yes"), or true when none follows.
  rawArgs.forEach((raw, index) => {
    const flag = raw.replace(/^--?/, '')
    const next = rawArgs[index + 1]
    if (raw.startsWith('-') && takesValue.has(flag) && (next === undefined || next.startsWith('-'))) {
      throw new UsageError(`--${flag} needs a value.`)
    }
  })
}
