import { ConfigError, type EnvIssue } from './errors.ts'
import type { EnvField } from './field.ts'
import type { EnvFields, EnvSchema } from './schema.ts'

export interface RenderConfigEnvOptions {
  /**
   * Values for where the file is deployed, in place of the schema's defaults (e.g. `APP_ENV: 'production'`,
   * `HOST: '0.0.0.0'`). Each must name a non-sensitive variable of the schema and parse as its field does.
   */
  readonly values?: Readonly<Record<string, string>>
}

/** A sensitive variable as a deployment references it: from a Secret, required unless the schema says optional. */
export interface SecretVariable {
  readonly name: string
  readonly optional: boolean
}

/**
 * Renders the non-sensitive variables as an env file for a ConfigMap (kustomize `configMapGenerator`
 * `envs:`): a comment, then `NAME=value` with the given value or the default; a variable with neither is
 * commented out (unset). Sensitive variables (secrets, URLs with credentials) are left out: they come from
 * a Secret, named by getSecretVariables. Same schema and options, same bytes.
 */
export function renderConfigEnv<F extends EnvFields>(
  schema: EnvSchema<F>,
  options: RenderConfigEnvOptions = {},
): string {
  const values = options.values ?? {}
  const issues = getValueIssues(schema, values)
  if (issues.length > 0) throw new ConfigError('SHIPSHAPE_CONFIG_INVALID', issues)
  const header = [
    '# Generated from the environment schema by @shipshape/config (renderConfigEnv); do not edit by hand.',
    '# Non-secret variables only: secrets and URLs with credentials come from a Secret.',
  ].join('\n')
  const blocks = getFields(schema)
    .filter(([, field]) => !field.sensitive)
    .map(([name, field]) => renderVariable(name, field, values[name]))
  return `${[header, ...blocks].join('\n\n')}\n`
}

/** The sensitive variables, in schema order: what a Deployment takes from a Secret. */
export function getSecretVariables<F extends EnvFields>(schema: EnvSchema<F>): SecretVariable[] {
  return getFields(schema)
    .filter(([, field]) => field.sensitive)
    .map(([name, field]) => ({ name, optional: field.optional }))
}

function getFields<F extends EnvFields>(schema: EnvSchema<F>): [string, EnvField<unknown>][] {
  return Object.entries<EnvField<unknown>>(schema.fields)
}

function renderVariable(name: string, field: EnvField<unknown>, value: string | undefined): string {
  const comment = `# ${field.description}`
  if (value !== undefined) return `${comment}\n${name}=${value}`
  if (field.defaultValue !== undefined) return `${comment}\n${name}=${field.format(field.defaultValue)}`
  // Unset: an optional variable stays off; a required one fails loadEnv at start, naming it.
  return field.optional ? `${comment}\n# ${name}=` : `${comment}\n${name}=`
}

function getValueIssues<F extends EnvFields>(
  schema: EnvSchema<F>,
  values: Readonly<Record<string, string>>,
): EnvIssue[] {
  const fields: Readonly<Record<string, EnvField<unknown> | undefined>> = schema.fields
  return Object.entries(values).flatMap(([variable, raw]): EnvIssue[] => {
    const field = fields[variable]
    if (field === undefined) return [{ variable, message: 'is not a variable of the schema' }]
    if (field.sensitive) return [{ variable, message: 'is sensitive: it belongs in a Secret' }]
    if (/[\r\n]/u.test(raw)) return [{ variable, message: 'must be one line' }]
    const parsed = field.parse(raw, variable)
    return parsed.ok ? [] : [{ variable, message: parsed.problem }]
  })
}
