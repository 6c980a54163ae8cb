import type { AppDatabase } from '@shipshape/db'
import { OptionsError } from '@shipshape/errors'
import { describe, expect, it } from 'vitest'
import { type AuthPluginOptions, resolveAuthOptions } from './options.ts'
import { owaspArgon2Params } from './password-hasher.ts'

const base: AuthPluginOptions = {
  db: {} as AppDatabase,
  jwtSecret: 's'.repeat(32),
  issuer: 'https://issuer.test',
  audience: 'svc',
  allowedOrigins: ['https://app.example.test'],
}

const refuses = (overrides: Partial<AuthPluginOptions>) => () => resolveAuthOptions({ ...base, ...overrides })

/** The options error's code, so each refusal is matched by code as well as by the option it names. */
function codeOf(overrides: Partial<AuthPluginOptions>): string | undefined {
  try {
    refuses(overrides)()
  } catch (error) {
    if (error instanceof OptionsError) return error.code
    throw error
  }
  return undefined
}

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
    expect(codeOf({ jwtSecret: 's'.repeat(31) })).toBe('SHIPSHAPE_AUTH_SECRET_INVALID')
    expect(codeOf({ passwordMinLength: 7 })).toBe('SHIPSHAPE_AUTH_LIMIT_INVALID')
    expect(codeOf({ allowedOrigins: ['*'] })).toBe('SHIPSHAPE_AUTH_ORIGIN_INVALID')
    expect(codeOf({ issuer: '' })).toBe('SHIPSHAPE_AUTH_CLAIMS_MISSING')
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
    expect(codeOf({ testArgon2Params: unflagged })).toBe('SHIPSHAPE_AUTH_ARGON2_UNSAFE')
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
