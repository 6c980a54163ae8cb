import { inspect } from 'node:util'
import type { EnvFields } from './schema.ts'

const REDACTED = '[redacted]'

/**
 * Freezes the loaded values (lists included) and makes JSON.stringify and console.log/util.inspect print
 * secrets as "[redacted]", so logging the whole config by habit does not leak them. Both hooks are
 * non-enumerable: Object.keys and spreading see only the variables.
 */
export function freezeConfig(
  values: Record<string, unknown>,
  fields: EnvFields,
): Readonly<Record<string, unknown>> {
  const config: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(values)) {
    config[name] = Array.isArray(value) ? Object.freeze([...value]) : value
  }
  const redact = () => getRedactedCopy(config, fields)
  Object.defineProperty(config, 'toJSON', { value: redact })
  Object.defineProperty(config, inspect.custom, { value: () => redact() })
  return Object.freeze(config)
}

function getRedactedCopy(config: Record<string, unknown>, fields: EnvFields): Record<string, unknown> {
  const copy: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(config)) {
    copy[name] = fields[name]?.secret !== undefined && value !== undefined ? REDACTED : value
  }
  return copy
}
