import { once } from 'node:events'
import { inspect } from 'node:util'
import { describe, expect, test } from 'vitest'
import { catchConfigError } from '../test/helpers.ts'
import { PRODUCTION, STRONG_SECRET, testSchema } from '../test/schema.ts'
import { ConfigError, loadEnv } from './index.ts'

describe('loadEnv rejects a bad environment', () => {
  test('throws one ConfigError naming every problem, one per line', () => {
    const error = catchConfigError(() =>
      loadEnv(testSchema, { ...PRODUCTION, PORT: 'abc', JWT_SECRET: 'too-short', LOG_LEVEL: 'verbose' }),
    )
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.code).toBe('SHIPSHAPE_CONFIG_INVALID')
    expect(error.message).toBe(
      [
        'Invalid environment (3 problems):',
        '  - PORT: must be an integer from 1 to 65535 (got "abc")',
        '  - LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")',
        '  - JWT_SECRET: must be at least 32 characters; generate one with: openssl rand -base64 48',
      ].join('\n'),
    )
    expect(error.issues.map((issue) => issue.variable)).toEqual(['PORT', 'LOG_LEVEL', 'JWT_SECRET'])
  })

  test('says "1 problem" for a single problem', () => {
    const error = catchConfigError(() => loadEnv(testSchema, { ...PRODUCTION, SHUTDOWN_GRACE_MS: '-1' }))
    expect(error.message).toBe(
      'Invalid environment (1 problem):\n  - SHUTDOWN_GRACE_MS: must be an integer from 0 to 120000 (got "-1")',
    )
  })

  test.each([
    ['too short', 'hunter2-is-my-secret'],
    ['the placeholder', 'change-me-jwt-secret-xxxxxxxxxxx'],
    ['one character repeated', 'a'.repeat(40)],
  ])('never shows a secret value that is %s, in message, issues, cause or stack', (_label, value) => {
    const error = catchConfigError(() => loadEnv(testSchema, { ...PRODUCTION, JWT_SECRET: value }))
    const everything = [error.message, JSON.stringify(error.issues), String(error.cause), error.stack].join()
    expect(error.issues).toHaveLength(1)
    expect(everything).not.toContain(value)
  })

  test('shows a non-secret value truncated to 40 characters', () => {
    const long = `${'h'.repeat(60)}`
    const error = catchConfigError(() => loadEnv(testSchema, { ...PRODUCTION, PORT: long }))
    expect(error.issues[0]?.message).toContain(`(got "${'h'.repeat(40)}…")`)
    expect(error.message).not.toContain('h'.repeat(41))
  })

  test('masks the password of a URL it shows', () => {
    const error = catchConfigError(() =>
      loadEnv(testSchema, { ...PRODUCTION, DATABASE_URL: 'mysql://app:hunter2@db/app' }),
    )
    expect(error.issues[0]?.message).toBe(
      'must be a URL with protocol postgres: or postgresql: (got "mysql://app:***@db/app")',
    )
  })

  test('in production a missing secret is an error', () => {
    const error = catchConfigError(() => loadEnv(testSchema, { ...PRODUCTION, JWT_SECRET: undefined }))
    expect(error.issues).toEqual([{ variable: 'JWT_SECRET', message: 'is required in production' }])
  })

  test('an invalid APP_ENV is reported and missing secrets are judged as in production', () => {
    const error = catchConfigError(() => loadEnv(testSchema, { APP_ENV: 'prod' }))
    expect(error.issues).toEqual([
      { variable: 'APP_ENV', message: 'must be one of development, test, production (got "prod")' },
      { variable: 'JWT_SECRET', message: 'is required' },
    ])
  })

  test('NODE_ENV=production without APP_ENV is refused instead of silently running development mode', () => {
    const error = catchConfigError(() =>
      loadEnv(testSchema, { NODE_ENV: 'production', JWT_SECRET: STRONG_SECRET }),
    )
    expect(error.issues).toEqual([
      { variable: 'APP_ENV', message: 'must be set explicitly when NODE_ENV is "production"' },
    ])
    const explicit = loadEnv(testSchema, { NODE_ENV: 'production', APP_ENV: 'test' }, { onWarning: () => {} })
    expect(explicit.APP_ENV).toBe('test')
  })

  test('cross-field rules run once every field is valid, and their issues are thrown', () => {
    const error = catchConfigError(() => loadEnv(testSchema, { ...PRODUCTION, DATABASE_URL: '' }))
    expect(error.message).toBe(
      'Invalid environment (1 problem):\n  - DATABASE_URL: is required in production: the embedded database is for development only',
    )
  })

  test('rules run beside invalid fields, so one error names every bad variable', () => {
    const error = catchConfigError(() => loadEnv(testSchema, { ...PRODUCTION, DATABASE_URL: '', PORT: 'x' }))
    expect(error.issues.map((issue) => issue.variable)).toEqual(['PORT', 'DATABASE_URL'])
  })
})

describe('loadEnv outside production', () => {
  test('replaces a missing secret with a random value and warns with its name, never its value', () => {
    const warnings: string[] = []
    const first = loadEnv(testSchema, {}, { onWarning: (message) => warnings.push(message) })
    const second = loadEnv(
      testSchema,
      { APP_ENV: 'test' },
      { onWarning: (message) => warnings.push(message) },
    )
    expect(first.JWT_SECRET).toMatch(/^[0-9a-f]{64,}$/u)
    expect(second.JWT_SECRET).not.toBe(first.JWT_SECRET)
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toContain('JWT_SECRET is not set')
    expect(warnings.join()).not.toContain(first.JWT_SECRET)
    expect(warnings.join()).not.toContain(second.JWT_SECRET)
  })

  test('without onWarning the warning goes to process.emitWarning', async () => {
    const warning = once(process, 'warning')
    loadEnv(testSchema, { APP_ENV: 'development' })
    const [emitted] = (await warning) as [Error & { code?: string }]
    expect(emitted.code).toBe('SHIPSHAPE_CONFIG_WARNING')
    expect(emitted.message).toContain('JWT_SECRET')
  })

  test('an empty string counts as unset, for defaults, optional fields and secrets', () => {
    const config = loadEnv(
      testSchema,
      { APP_ENV: '', PORT: '', DATABASE_URL: '', JWT_SECRET: '' },
      { onWarning: () => {} },
    )
    expect(config.APP_ENV).toBe('development')
    expect(config.PORT).toBe(3000)
    expect(config.DATABASE_URL).toBeUndefined()
    expect(config.JWT_SECRET.length).toBeGreaterThanOrEqual(32)
  })
})

describe('loadEnv result', () => {
  test('holds the schema variables only, parsed, with unknown variables ignored', () => {
    const config = loadEnv(testSchema, {
      ...PRODUCTION,
      PATH: '/usr/bin',
      CORS_ORIGINS: ' https://a.example.com, ,http://localhost:5173 ',
      RATE_LIMIT_ENABLED: 'FALSE',
    })
    expect(Object.keys(config)).toEqual(Object.keys(testSchema.fields))
    expect(config).toMatchObject({ PORT: 3000, RATE_LIMIT_ENABLED: false, JWT_SECRET: STRONG_SECRET })
    expect(config.CORS_ORIGINS).toEqual(['https://a.example.com', 'http://localhost:5173'])
  })

  test('is frozen, lists included', () => {
    const config = loadEnv(testSchema, PRODUCTION)
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.CORS_ORIGINS)).toBe(true)
    expect(() => Object.assign(config, { PORT: 1 })).toThrow(TypeError)
  })

  test('prints secrets as [redacted] through JSON.stringify and util.inspect, yet keeps the real value', () => {
    const config = loadEnv(testSchema, PRODUCTION)
    expect(JSON.stringify(config)).not.toContain(STRONG_SECRET)
    expect(JSON.parse(JSON.stringify(config))).toMatchObject({ JWT_SECRET: '[redacted]', PORT: 3000 })
    expect(inspect(config)).not.toContain(STRONG_SECRET)
    expect(config.JWT_SECRET).toBe(STRONG_SECRET)
  })
})
