/** One problem with one variable. `message` never contains the value of a secret. */
export interface EnvIssue {
  readonly variable: string
  readonly message: string
}

export type ConfigErrorCode = 'SHIPSHAPE_CONFIG_INVALID' | 'SHIPSHAPE_CONFIG_SCHEMA_INVALID'

/**
 * A bad environment (or environment schema): thrown once with every problem found, so an operator fixes the
 * environment in one round trip. Options a service passes in code are another matter, refused by the package
 * that takes them with `OptionsError` from @shipshape/errors.
 * `SHIPSHAPE_CONFIG_INVALID`: the environment does not satisfy the schema (loadEnv).
 * `SHIPSHAPE_CONFIG_SCHEMA_INVALID`: the schema itself is wrong (defineEnv), a programming error.
 */
export class ConfigError extends Error {
  readonly code: ConfigErrorCode
  readonly issues: readonly EnvIssue[]

  constructor(code: ConfigErrorCode, issues: readonly EnvIssue[], options?: ErrorOptions) {
    super(formatIssues(code, issues), options)
    this.name = 'ConfigError'
    this.code = code
    this.issues = Object.freeze(issues.map((issue) => Object.freeze({ ...issue })))
  }
}

function formatIssues(code: ConfigErrorCode, issues: readonly EnvIssue[]): string {
  const title = code === 'SHIPSHAPE_CONFIG_INVALID' ? 'Invalid environment' : 'Invalid environment schema'
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`
  const lines = issues.map((issue) => `  - ${issue.variable}: ${issue.message}`)
  return [`${title} (${count}):`, ...lines].join('\n')
}
