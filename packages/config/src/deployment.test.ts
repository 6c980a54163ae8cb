import { parseEnv } from 'node:util'
import { describe, expect, test } from 'vitest'
import { testSchema } from '../test/schema.ts'
import {
  ConfigError,
  defineEnv,
  defineEnvFragment,
  defineServiceEnv,
  env,
  getSecretVariables,
  renderConfigEnv,
} from './index.ts'

describe('renderConfigEnv', () => {
  test('writes every non-sensitive variable with its default, and no sensitive one', () => {
    const text = renderConfigEnv(testSchema)
    const parsed = parseEnv(text)
    expect(parsed).toMatchObject({ APP_ENV: 'development', PORT: '3000', SHUTDOWN_GRACE_MS: '10000' })
    expect(text).not.toMatch(/^#? ?JWT_SECRET=/mu)
  })

  test('takes deployment values in place of defaults, and refuses unknown, sensitive or unparsable ones', () => {
    const text = renderConfigEnv(testSchema, { values: { APP_ENV: 'production', HOST: '0.0.0.0' } })
    expect(parseEnv(text)).toMatchObject({ APP_ENV: 'production', HOST: '0.0.0.0' })
    const attempt = () =>
      renderConfigEnv(testSchema, { values: { NOPE: '1', JWT_SECRET: 'x'.repeat(40), PORT: 'eighty' } })
    expect(attempt).toThrow(ConfigError)
    expect(attempt).toThrow(/NOPE: is not a variable[\s\S]*JWT_SECRET: is sensitive[\s\S]*PORT: must be/u)
  })

  test('comments out an optional variable without a default; leaves a required one empty', () => {
    const schema = defineEnv({
      TIMEOUT_MS: env.integer({ optional: true, description: 'Optional.' }),
      REGION: env.string({ description: 'Required.' }),
    })
    const text = renderConfigEnv(schema)
    expect(text).toContain('# TIMEOUT_MS=\n')
    expect(text).toMatch(/^REGION=$/mu)
  })
})

describe('getSecretVariables', () => {
  test('the service schema: secrets and the URLs that carry credentials, optional as the schema says', () => {
    const hooks = defineEnvFragment(() => ({
      HOOK_SECRET: env.secret({ minLength: 24, description: 'Signs deliveries.' }),
      HOOK_SECRET_PREVIOUS: env.secret({ minLength: 24, optional: true, description: 'The one before.' }),
    }))
    const schema = defineServiceEnv({
      defaultPort: 3000,
      fragments: [hooks],
      fields: { API_KEY: env.secret({ minLength: 24, description: 'Calls the provider.' }) },
    })
    expect(getSecretVariables(schema)).toEqual([
      { name: 'DATABASE_URL', optional: true },
      { name: 'REDIS_URL', optional: true },
      { name: 'HOOK_SECRET', optional: false },
      { name: 'HOOK_SECRET_PREVIOUS', optional: true },
      { name: 'API_KEY', optional: false },
    ])
    const configKeys = Object.keys(parseEnv(renderConfigEnv(schema)))
    const secretNames = getSecretVariables(schema).map((variable) => variable.name)
    // Every variable lands on exactly one side (DB_QUERY_TIMEOUT_MS is commented out: optional, no default).
    expect([...configKeys, ...secretNames, 'DB_QUERY_TIMEOUT_MS'].sort()).toEqual(
      Object.keys(schema.fields).sort(),
    )
  })

  test('a field marked sensitive is a secret variable; an unmarked URL is configuration', () => {
    const schema = defineEnv({
      BROKER_URL: env.url({ sensitive: true, description: 'Has a password.' }),
      DOCS_URL: env.url({ default: 'https://example.com', description: 'Public.' }),
    })
    expect(getSecretVariables(schema)).toEqual([{ name: 'BROKER_URL', optional: false }])
    expect(renderConfigEnv(schema)).toContain('DOCS_URL=https://example.com')
  })
})
