import { describe, expect, expectTypeOf, it } from 'vitest'
import { ConfigError } from './errors.ts'
import { env } from './fields.ts'
import { defineEnvFragment } from './fragment.ts'
import { loadEnv } from './load.ts'
import { defineServiceEnv } from './service-env.ts'

// A building block's variables, as @shipshape/auth/env declares its own: one derived from the port, one
// secret, and a production rule of its own.
const sessionEnv = defineEnvFragment(
  ({ defaultPort }) => ({
    SESSION_ORIGIN: env.string({ default: `http://127.0.0.1:${defaultPort}`, description: 'Own origin.' }),
    SESSION_SECRET: env.secret({ minLength: 32, description: 'Signs sessions.' }),
    SESSION_SECURE: env.boolean({ default: true, description: 'Secure cookies.' }),
  }),
  {
    rules: [
      (config) =>
        config.APP_ENV === 'production' && config.SESSION_SECURE === false
          ? [{ variable: 'SESSION_SECURE', message: 'must be true in production' }]
          : [],
    ],
  },
)
const hookEnv = defineEnvFragment(() => ({
  HOOK_SECRET: env.secret({ minLength: 24, description: 'Signs deliveries.' }),
}))

const schema = defineServiceEnv({
  defaultPort: 4100,
  fragments: [sessionEnv, hookEnv],
  fields: { PAYMENTS_URL: env.url({ optional: true, description: 'The payments provider.' }) },
})

const secrets = {
  SESSION_SECRET: 'a'.repeat(16) + 'b'.repeat(24),
  HOOK_SECRET: 'whsec_c2VjcmV0LWZvci13ZWJob29rcw==',
}

function getIssues(source: Record<string, string>): string[] {
  try {
    loadEnv(schema, source)
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => issue.variable)
    throw error
  }
  return []
}

describe('defineServiceEnv', () => {
  it('production refuses the embedded database and a wildcard origin, all in one error', () => {
    expect(getIssues({ APP_ENV: 'production', CORS_ORIGINS: '*', ...secrets }).sort()).toEqual([
      'CORS_ORIGINS',
      'DATABASE_URL',
    ])
    expect(getIssues({ APP_ENV: 'production', ...secrets })).toEqual(['DATABASE_URL'])
  })

  it('refuses a wildcard origin in development too', () => {
    expect(getIssues({ CORS_ORIGINS: 'https://app.example.com,*' })).toEqual(['CORS_ORIGINS'])
  })

  it('development needs nothing set, and the service keeps its own fields', () => {
    const config = loadEnv(schema, {})
    expect(config).toMatchObject({
      APP_ENV: 'development',
      PORT: 4100,
      HOST: '127.0.0.1',
      RATE_LIMIT_MAX: 300,
    })
    expect(config.DATABASE_URL).toBeUndefined()
    expect(config.PAYMENTS_URL).toBeUndefined()
  })

  it("production names every missing secret of the fragments and applies each fragment's rules", () => {
    expect(
      getIssues({
        APP_ENV: 'production',
        DATABASE_URL: 'postgres://a:b@db:5432/app',
        SESSION_SECURE: 'false',
      }).sort(),
    ).toEqual(['HOOK_SECRET', 'SESSION_SECRET', 'SESSION_SECURE'])
  })

  it('orders the shared variables, then each fragment in the order given, then the service fields', () => {
    const names = Object.keys(schema.fields)
    expect(names.slice(0, 2)).toEqual(['APP_ENV', 'PORT'])
    expect(names.slice(-5)).toEqual([
      'SESSION_ORIGIN',
      'SESSION_SECRET',
      'SESSION_SECURE',
      'HOOK_SECRET',
      'PAYMENTS_URL',
    ])
    expect(names).toContain('SHUTDOWN_GRACE_MS')
    expectTypeOf(loadEnv(schema, {}).SESSION_SECURE).toEqualTypeOf<boolean>()
    expectTypeOf(loadEnv(schema, {}).PAYMENTS_URL).toEqualTypeOf<string | undefined>()
  })

  it('brings no variable of a building block without its fragment', () => {
    const bare = defineServiceEnv({ defaultPort: 4100, fields: {} })
    expect(Object.keys(bare.fields)).not.toContain('SESSION_SECRET')
    expect(Object.keys(bare.fields)).not.toContain('JWT_SECRET')
    expect(
      loadEnv(bare, { APP_ENV: 'production', DATABASE_URL: 'postgres://a:b@db:5432/app' }),
    ).toMatchObject({
      APP_ENV: 'production',
    })
  })

  it('production with PostgreSQL and its secrets loads, and allows the service its own origin', () => {
    const config = loadEnv(schema, {
      APP_ENV: 'production',
      DATABASE_URL: 'postgres://a:b@db:5432/app',
      ...secrets,
    })
    expect(config.DATABASE_URL).toBe('postgres://a:b@db:5432/app')
    expect(config.SESSION_ORIGIN).toBe('http://127.0.0.1:4100')
    expect(config.HOOK_SECRET).toBe(secrets.HOOK_SECRET)
  })

  it('gives the database budgets that fit the 2 s of the contract, and keeps the client timeout last', () => {
    const config = loadEnv(schema, {})
    expect(config).toMatchObject({ DB_CONNECT_TIMEOUT_MS: 500, DB_STATEMENT_TIMEOUT_MS: 1_000 })
    expect(config.DB_QUERY_TIMEOUT_MS).toBeUndefined()
    expect(getIssues({ DB_STATEMENT_TIMEOUT_MS: '2000', DB_QUERY_TIMEOUT_MS: '1500' })).toEqual([
      'DB_QUERY_TIMEOUT_MS',
    ])
    expect(getIssues({ DB_STATEMENT_TIMEOUT_MS: '2000', DB_QUERY_TIMEOUT_MS: '2500' })).toEqual([])
  })
})
