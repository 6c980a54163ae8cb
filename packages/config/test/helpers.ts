import { ConfigError, defineEnv, type EnvField, loadEnv } from '../src/index.ts'

/** Runs fn and returns the ConfigError it throws; fails the test when it throws nothing or something else. */
export function catchConfigError(fn: () => unknown): ConfigError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError, nothing was thrown')
}

/** Loads one variable X through a one-field schema: its value, or the message of its single issue. */
export function loadOne<T>(
  field: EnvField<T>,
  raw: string | undefined,
): { value: unknown } | { issue: string | undefined } {
  const schema = defineEnv({ X: field })
  try {
    return { value: loadEnv(schema, { APP_ENV: 'test', X: raw }).X }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    return { issue: error.issues.map((issue) => `${issue.variable}: ${issue.message}`).join('\n') }
  }
}
