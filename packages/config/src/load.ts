import { ConfigError, type EnvIssue } from './errors.ts'
import type { EnvField } from './field.ts'
import { freezeConfig } from './freeze.ts'
import type { AppEnv, BuiltInFields, EnvFields, EnvSchema, LoadedEnv } from './schema.ts'
import { createEphemeralSecret } from './secret.ts'

/** Anything shaped like `process.env`. loadEnv reads only the variables its schema names. */
export type EnvSource = Readonly<Record<string, string | undefined>>

export interface LoadEnvOptions {
  /** Called once per notable fallback, e.g. an ephemeral secret. Defaults to process.emitWarning. */
  readonly onWarning?: (message: string) => void
}

type FieldOutcome =
  | { readonly kind: 'value'; readonly value: unknown; readonly warning?: string }
  | { readonly kind: 'issue'; readonly message: string }

const SHOWN_LENGTH = 40

/**
 * Validates every variable of the schema against `source` and returns a frozen, typed config, or throws one
 * ConfigError (SHIPSHAPE_CONFIG_INVALID) naming every missing or invalid variable. Secret values never
 * appear in the error; other received values appear truncated, with URL passwords masked.
 */
export function loadEnv<F extends EnvFields>(
  schema: EnvSchema<F>,
  // The process environment is the default source; this package is the only one that reads it.
  source: EnvSource = process.env,
  options: LoadEnvOptions = {},
): LoadedEnv<F> {
  const mode = readMode(schema.fields, source)
  const values: Record<string, unknown> = {}
  const issues: EnvIssue[] = [...checkNodeEnv(source)]
  const warnings: string[] = []
  for (const [name, field] of Object.entries<EnvField<unknown>>(schema.fields)) {
    const outcome = readField(name, field, readRaw(source, name), mode)
    if (outcome.kind === 'issue') issues.push({ variable: name, message: outcome.message })
    else values[name] = outcome.value
    if (outcome.kind === 'value' && outcome.warning !== undefined) warnings.push(outcome.warning)
  }
  // Every valid field produced a value of its own type above; this is where the record meets the inferred type.
  const config = freezeConfig(values, schema.fields) as LoadedEnv<F>
  // Rules run even when some fields are invalid, so one error names every bad variable; a rule that reads an
  // invalid field sees undefined, and a variable already reported is not reported twice.
  const reported = new Set(issues.map((issue) => issue.variable))
  const ruleIssues = schema.rules.flatMap((rule) => runRule(rule, config, issues.length > 0))
  issues.push(...ruleIssues.filter((issue) => !reported.has(issue.variable)))
  if (issues.length > 0) throw new ConfigError('SHIPSHAPE_CONFIG_INVALID', issues)
  const warn = options.onWarning ?? emitWarning
  for (const warning of warnings) warn(warning)
  return config
}

function runRule<C>(
  rule: (config: C) => readonly EnvIssue[],
  config: C,
  partial: boolean,
): readonly EnvIssue[] {
  try {
    return rule(config)
  } catch (error) {
    // On a partial config a rule may trip over a missing value; the field's own issue already says why.
    if (partial) return []
    throw error
  }
}

// Empty counts as unset: docker-compose and CI templates write `NAME=` for "not configured".
function readRaw(source: EnvSource, name: string): string | undefined {
  const raw = source[name]
  return raw === '' ? undefined : raw
}

// An invalid APP_ENV is reported as an issue; meanwhile the other fields are judged as strictly as production.
function readMode(fields: BuiltInFields, source: EnvSource): AppEnv | undefined {
  const raw = readRaw(source, 'APP_ENV')
  if (raw === undefined) return fields.APP_ENV.defaultValue
  const parsed = fields.APP_ENV.parse(raw, 'APP_ENV')
  return parsed.ok ? parsed.value : undefined
}

// NODE_ENV never switches behaviour, but a platform that sets only NODE_ENV=production would otherwise get
// development mode: ephemeral secrets and the embedded database. Refusing that ambiguity fails closed.
function checkNodeEnv(source: EnvSource): EnvIssue[] {
  if (source.NODE_ENV !== 'production' || readRaw(source, 'APP_ENV') !== undefined) return []
  return [{ variable: 'APP_ENV', message: 'must be set explicitly when NODE_ENV is "production"' }]
}

function readField(
  name: string,
  field: EnvField<unknown>,
  raw: string | undefined,
  mode: AppEnv | undefined,
): FieldOutcome {
  if (raw === undefined) return readMissing(name, field, mode)
  const parsed = field.parse(raw, name)
  if (parsed.ok) return { kind: 'value', value: parsed.value }
  const shown = field.secret === undefined ? ` (got ${showReceived(parsed.received ?? raw)})` : ''
  return { kind: 'issue', message: `${parsed.problem}${shown}` }
}

function readMissing(name: string, field: EnvField<unknown>, mode: AppEnv | undefined): FieldOutcome {
  if (field.defaultValue !== undefined) return { kind: 'value', value: field.defaultValue }
  if (field.optional) return { kind: 'value', value: undefined }
  if (field.secret === undefined) return { kind: 'issue', message: 'is required' }
  if (mode === 'production') return { kind: 'issue', message: 'is required in production' }
  if (mode === undefined) return { kind: 'issue', message: 'is required' }
  const warning =
    `${name} is not set: using a random value for this process only (APP_ENV=${mode}). ` +
    `What it signs stops verifying after a restart and across instances; set ${name} to keep it.`
  return { kind: 'value', value: createEphemeralSecret(field.secret.minLength), warning }
}

function showReceived(raw: string): string {
  const masked = raw.replace(/(\/\/[^/?#@:]*:)[^/?#@]*@/u, '$1***@')
  const short = masked.length > SHOWN_LENGTH ? `${masked.slice(0, SHOWN_LENGTH)}…` : masked
  return JSON.stringify(short)
}

function emitWarning(message: string): void {
  process.emitWarning(message, { code: 'SHIPSHAPE_CONFIG_WARNING' })
}
