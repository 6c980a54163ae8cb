import { ConfigError, type EnvIssue } from './errors.ts'
import type { EnvField } from './field.ts'
import { env } from './fields.ts'

export const APP_ENVS = ['development', 'test', 'production'] as const
/** The mode switch of every service. Behaviour never switches on NODE_ENV. */
export type AppEnv = (typeof APP_ENVS)[number]

export type EnvFields = Readonly<Record<string, EnvField<unknown>>>
export type BuiltInFields = { readonly APP_ENV: EnvField<AppEnv, false> }

/** The loaded values of a set of fields: optional fields without a default may be `undefined`. */
export type EnvValues<F extends EnvFields> = {
  readonly [K in keyof F]: F[K] extends EnvField<infer T, infer Optional>
    ? Optional extends true
      ? T | undefined
      : T
    : never
}

/** A cross-field rule: returns zero or more issues; an invalid field reads as undefined. */
export type EnvRule<F extends EnvFields> = (config: EnvValues<BuiltInFields & F>) => readonly EnvIssue[]

export interface EnvSchema<F extends EnvFields> {
  /** APP_ENV first, then the service's fields in the order they were defined. */
  readonly fields: Readonly<BuiltInFields & F>
  readonly rules: readonly EnvRule<F>[]
}

/** The frozen object loadEnv returns for fields F. */
export type LoadedEnv<F extends EnvFields> = EnvValues<BuiltInFields & F>

/** The type of the frozen object loadEnv returns for a schema. */
export type InferEnv<S> = S extends EnvSchema<infer F> ? LoadedEnv<F> : never

const appEnvField = env.enum(APP_ENVS, {
  default: 'development',
  description:
    'Mode: production refuses ephemeral secrets and development-only defaults. NODE_ENV is not consulted.',
})

const NAME = /^[A-Z][A-Z0-9_]*$/u
// Node's --env-file and dotenv read these unquoted; a line break, #, quote or backslash would change the value.
const SAFE_UNQUOTED = /^[^\r\n#"'`\\]*$/u

/** Declares a service's environment. Throws SHIPSHAPE_CONFIG_SCHEMA_INVALID listing every mistake in it. */
export function defineEnv<F extends EnvFields>(
  fields: F,
  options: { readonly rules?: readonly EnvRule<F>[] } = {},
): EnvSchema<F> {
  const issues = Object.entries(fields).flatMap(([name, field]) =>
    getDefinitionProblems(name, field).map((message) => ({ variable: name, message })),
  )
  if (issues.length > 0) throw new ConfigError('SHIPSHAPE_CONFIG_SCHEMA_INVALID', issues)
  return Object.freeze({
    fields: Object.freeze({ APP_ENV: appEnvField, ...fields }),
    rules: Object.freeze([...(options.rules ?? [])]),
  })
}

function getDefinitionProblems(name: string, field: EnvField<unknown>): string[] {
  const problems = [...field.definitionProblems]
  if (name === 'APP_ENV') problems.push('is built into every schema; do not define it')
  if (!NAME.test(name)) problems.push('name must be UPPER_SNAKE_CASE')
  if (/[\r\n]/u.test(field.description)) problems.push('description must be one line')
  problems.push(...getValueProblems('default', field, field.defaultValue, name))
  problems.push(...getValueProblems('example', field, field.example, name))
  return problems
}

// A default or example is rendered into .env.example and read back by loadEnv, so it must survive both.
function getValueProblems(label: string, field: EnvField<unknown>, value: unknown, name: string): string[] {
  if (value === undefined || field.secret !== undefined) return []
  const text = field.format(value)
  if (!SAFE_UNQUOTED.test(text) || text.trim() !== text) {
    return [`${label} must be writable unquoted in .env.example (no line break, #, quote or backslash)`]
  }
  if (text === '') return []
  const parsed = field.parse(text, name)
  return parsed.ok ? [] : [`${label} ${JSON.stringify(text)} ${parsed.problem}`]
}

/** Whether the loaded config runs in production mode. */
export function isProduction(config: { readonly APP_ENV: AppEnv }): boolean {
  return config.APP_ENV === 'production'
}
