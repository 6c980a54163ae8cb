import { describe, expect, it } from 'vitest'
import { ConfigError } from './errors.ts'
import { env } from './fields.ts'
import { loadEnv } from './load.ts'
import { defineServiceEnv } from './service-env.ts'

const schema = defineServiceEnv({
  defaultPort: 4100,
  fields: { PAYMENTS_URL: env.url({ optional: true, description: 'The payments provider.' }) },
})

const secrets = {
  JWT_SECRET: 'a'.repeat(16) + 'b'.repeat(24),
  WEBHOOK_SECRET: 'whsec_c2VjcmV0LWZvci13ZWJob29rcw==',
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

  it('production names every missing secret and refuses insecure cookies', () => {
    expect(
      getIssues({
        APP_ENV: 'production',
        DATABASE_URL: 'postgres://a:b@db:5432/app',
        COOKIE_SECURE: 'false',
      }).sort(),
    ).toEqual(['COOKIE_SECURE', 'JWT_SECRET', 'WEBHOOK_SECRET'])
  })

  it('production with PostgreSQL and its secrets loads, and allows the service its own origin', () => {
    const config = loadEnv(schema, {
      APP_ENV: 'production',
      DATABASE_URL: 'postgres://a:b@db:5432/app',
      ...secrets,
    })
    expect(config.DATABASE_URL).toBe('postgres://a:b@db:5432/app')
    expect(config.AUTH_ORIGINS).toEqual(['http://127.0.0.1:4100', 'http://localhost:4100'])
    expect(config.WEBHOOK_SECRET_PREVIOUS).toBeUndefined()
  })

  it('gives the database budgets that fit the 2 s of the contract, and keeps the client timeout last', () => {
    const config = loadEnv(schema, {})
    expect(config).toMatchObject({ DB_CONNECT_TIMEOUT_MS: 750, DB_STATEMENT_TIMEOUT_MS: 1_000 })
    expect(config.DB_QUERY_TIMEOUT_MS).toBeUndefined()
    expect(getIssues({ DB_STATEMENT_TIMEOUT_MS: '2000', DB_QUERY_TIMEOUT_MS: '1500' })).toEqual([
      'DB_QUERY_TIMEOUT_MS',
    ])
    expect(getIssues({ DB_STATEMENT_TIMEOUT_MS: '2000', DB_QUERY_TIMEOUT_MS: '2500' })).toEqual([])
  })
})
