import { randomBytes } from 'node:crypto'
import { createField, type EnvField, fail, type OptionalOf, succeed } from './field.ts'

export interface SecretOptions {
  readonly description: string
  /** When true, an unset secret loads as `undefined` in every mode (the feature it guards is off). */
  readonly optional?: boolean
  /** At least 16; 32 by default (256 bits of base64 text is more than any HMAC key needs). */
  readonly minLength?: number
  /** Never allowed: a default would be the same secret in every deployment. */
  readonly default?: never
  readonly example?: never
}

const DEFAULT_MIN_LENGTH = 32
const FLOOR_MIN_LENGTH = 16
const PLACEHOLDER_PREFIX = 'change-me-'
const ONE_REPEATED_CHARACTER = /^(.)\1*$/su

/** A secret: no default, a minimum length, never shown in errors, never its `.env.example` placeholder. */
export function secret<const O extends SecretOptions>(options: O): EnvField<string, OptionalOf<O>> {
  const minLength = options.minLength ?? DEFAULT_MIN_LENGTH
  const problems: string[] = []
  if ('default' in options) problems.push('is a secret and cannot have a default')
  if ('example' in options) problems.push('is a secret: its example is a generated placeholder')
  if (!Number.isSafeInteger(minLength) || minLength < FLOOR_MIN_LENGTH) {
    problems.push(`minLength must be an integer of at least ${FLOOR_MIN_LENGTH}`)
  }
  return createField(options, {
    kind: 'secret',
    constraints: `at least ${minLength} characters`,
    secret: { minLength },
    definitionProblems: problems,
    parse: (raw, variable) => checkSecret(raw, variable, minLength),
    format: String,
  })
}

function checkSecret(raw: string, variable: string, minLength: number) {
  const generate = 'generate one with: openssl rand -base64 48'
  if (raw === getSecretPlaceholder(variable, minLength) || raw.startsWith(PLACEHOLDER_PREFIX)) {
    return fail<string>(`is still the .env.example placeholder; ${generate}`)
  }
  if (raw.length < minLength) return fail<string>(`must be at least ${minLength} characters; ${generate}`)
  if (ONE_REPEATED_CHARACTER.test(raw)) return fail<string>(`is one character repeated; ${generate}`)
  return succeed(raw)
}

/**
 * The value `.env.example` shows for a secret: derived from the name alone, so loadEnv can recognise it
 * without reading the file, and at least minLength long, so a copied example fails as a placeholder.
 */
export function getSecretPlaceholder(variable: string, minLength: number): string {
  const stem = `${PLACEHOLDER_PREFIX}${variable.toLowerCase().replaceAll('_', '-')}-`
  return stem.padEnd(Math.max(minLength, stem.length + 8), 'x')
}

/**
 * A random per-process value for development and test, at least minLength characters. Hex, because it is
 * valid in every alphabet a consumer may demand of a secret (base64 for Standard Webhooks keys, URL-safe).
 */
export function createEphemeralSecret(minLength: number): string {
  return randomBytes(Math.max(32, Math.ceil(minLength / 2))).toString('hex')
}
