import { describe, expect, it } from 'vitest'
import type { AuthDatabase } from './database.ts'
import { AuthOptionsError } from './errors.ts'
import { type AuthPluginOptions, resolveAuthOptions } from './options.ts'
import { owaspArgon2Params } from './password-hasher.ts'

const base: AuthPluginOptions = {
  db: {} as AuthDatabase,
  jwtSecret: 's'.repeat(32),
  issuer: 'https://issuer.test',
  audience: 'svc',
  allowedOrigins: ['https://app.example.test'],
}

const refuses = (overrides: Partial<AuthPluginOptions>) => () => resolveAuthOptions({ ...base, ...overrides })

describe('auth options', () => {
  it('defaults to production settings: OWASP argon2, 15-char minimum, 15-minute access tokens, Secure cookies', () => {
    const resolved = resolveAuthOptions(base)
    expect(resolved.argon2).toEqual(owaspArgon2Params)
    expect(resolved.passwordMinLength).toBe(15)
    expect(resolved.accessTtlSeconds).toBe(900)
    expect(resolved.cookieSecure).toBe(true)
    expect(resolved.hashConcurrency).toBeLessThan(4)
  })

  it('refuses a short secret, a minimum under 8, an access TTL over 15 minutes, and bad origins', () => {
    expect(refuses({ jwtSecret: 's'.repeat(31) })).toThrow(AuthOptionsError)
    expect(refuses({ jwtSecret: 'é'.repeat(15) })).toThrow(/32 bytes/)
    expect(refuses({ passwordMinLength: 7 })).toThrow(/passwordMinLength/)
    expect(refuses({ accessTtlSeconds: 901 })).toThrow(/accessTtlSeconds/)
    expect(refuses({ allowedOrigins: ['*'] })).toThrow(/allowedOrigins/)
    expect(refuses({ allowedOrigins: ['https://app.example.test/path'] })).toThrow(/allowedOrigins/)
    expect(refuses({ refreshIdleTtlSeconds: 31 * 86_400 })).toThrow(/refreshIdleTtlSeconds/)
    expect(refuses({ issuer: '' })).toThrow(/issuer/)
  })

  it('takes lower argon2 costs only with the explicit test flag', () => {
    const params = { memoryCost: 256, timeCost: 1, parallelism: 1 }
    const unflagged = { params, unsafeTestOnly: false } as unknown as AuthPluginOptions['testArgon2Params']
    expect(refuses({ testArgon2Params: unflagged })).toThrow(/unsafeTestOnly/)
    expect(
      resolveAuthOptions({ ...base, testArgon2Params: { params, unsafeTestOnly: true } }).argon2,
    ).toEqual(params)
  })

  it('accepts a minimum of 8 and normalises a trailing slash on an origin', () => {
    const resolved = resolveAuthOptions({
      ...base,
      passwordMinLength: 8,
      allowedOrigins: ['https://a.test/'],
    })
    expect(resolved.passwordMinLength).toBe(8)
    expect([...resolved.allowedOrigins]).toEqual(['https://a.test'])
  })
})
