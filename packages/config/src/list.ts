import { type CommonOptions, createField, type EnvField, fail, type OptionalOf, succeed } from './field.ts'

export interface ListOptions extends CommonOptions<readonly string[]> {
  /**
   * Validates each item. `'origin'`: an exact browser origin, `scheme://host[:port]` in the form browsers
   * send it (lowercase, no default port, no path or trailing slash), so a CORS allowlist cannot hold `*`
   * or an entry that would never match.
   */
  readonly item?: 'origin'
}

/** Comma-separated values, trimmed, empty items dropped. */
export function list<const O extends ListOptions>(options: O): EnvField<readonly string[], OptionalOf<O>> {
  return createField(options, {
    kind: 'list',
    constraints:
      options.item === 'origin' ? 'comma-separated origins scheme://host[:port]' : 'comma-separated',
    parse: (raw) => {
      const items = raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
      const bad = options.item === 'origin' ? items.find((item) => !isOrigin(item)) : undefined
      if (bad !== undefined) {
        return fail('each item must be an exact lowercase origin scheme://host[:port] with no path', bad)
      }
      return succeed(Object.freeze(items))
    },
    format: (items) => items.join(','),
  })
}

function isOrigin(item: string): boolean {
  const parsed = URL.parse(item)
  return parsed !== null && parsed.origin !== 'null' && parsed.origin === item
}
