import { describe, expect, expectTypeOf, test } from 'vitest'
import { catchConfigError } from '../test/helpers.ts'
import { PRODUCTION, testSchema } from '../test/schema.ts'
import { defineEnv, type EnvIssue, env, type InferEnv, isProduction, loadEnv } from './index.ts'

const description = 'A variable.'

describe('defineEnv rejects a wrong schema', () => {
  test('lists every mistake at once, with the variable it concerns', () => {
    const error = catchConfigError(() =>
      defineEnv({
        APP_ENV: env.string({ description }),
        port: env.port({ default: 3000, description }),
        PORT: env.port({ default: 0, description }),
        GRACE_MS: env.integer({ min: 10, max: 1, description }),
        DB_URL: env.url({ protocols: ['postgres'], optional: true, default: 'postgres://x', description }),
        COLOR: env.string({ default: '#fff', description: 'Two\nlines.' }),
        ORIGINS: env.list({ item: 'origin', default: ['*'], description }),
        EMPTY: env.boolean({ description: ' ' }),
      }),
    )
    expect(error.code).toBe('SHIPSHAPE_CONFIG_SCHEMA_INVALID')
    expect(error.issues).toEqual<EnvIssue[]>([
      { variable: 'APP_ENV', message: 'is built into every schema; do not define it' },
      { variable: 'port', message: 'name must be UPPER_SNAKE_CASE' },
      { variable: 'PORT', message: 'default "0" must be an integer from 1 to 65535' },
      { variable: 'GRACE_MS', message: 'min 10 is greater than max 1' },
      { variable: 'DB_URL', message: 'protocol "postgres" must be lowercase and end with ":"' },
      {
        variable: 'DB_URL',
        message: 'has both a default and optional: true; a variable with a default is never undefined',
      },
      { variable: 'DB_URL', message: 'default "postgres://x" must be a URL with protocol postgres' },
      { variable: 'COLOR', message: 'description must be one line' },
      {
        variable: 'COLOR',
        message: 'default must be writable unquoted in .env.example (no line break, #, quote or backslash)',
      },
      {
        variable: 'ORIGINS',
        message: 'default "*" each item must be an exact lowercase origin scheme://host[:port] with no path',
      },
      { variable: 'EMPTY', message: 'needs a description for .env.example' },
    ])
    expect(error.message.split('\n')).toHaveLength(12)
  })

  test('checks examples like defaults', () => {
    const error = catchConfigError(() =>
      defineEnv({
        REDIS_URL: env.url({ optional: true, protocols: ['redis:'], example: 'http://x', description }),
      }),
    )
    expect(error.issues).toEqual([
      { variable: 'REDIS_URL', message: 'example "http://x" must be a URL with protocol redis:' },
    ])
  })
})

describe('schema shape and types', () => {
  test('APP_ENV is built in, first, and isProduction reads it', () => {
    expect(Object.keys(testSchema.fields)[0]).toBe('APP_ENV')
    expect(isProduction(loadEnv(testSchema, PRODUCTION))).toBe(true)
    expect(isProduction(loadEnv(testSchema, { APP_ENV: 'test' }, { onWarning: () => {} }))).toBe(false)
  })

  test('InferEnv types every variable, optional ones as possibly undefined', () => {
    type Env = InferEnv<typeof testSchema>
    expectTypeOf<Env>().toEqualTypeOf<{
      readonly APP_ENV: 'development' | 'test' | 'production'
      readonly PORT: number
      readonly HOST: string
      readonly DATABASE_URL: string | undefined
      readonly REDIS_URL: string | undefined
      readonly CORS_ORIGINS: readonly string[]
      readonly LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
      readonly SHUTDOWN_GRACE_MS: number
      readonly RATE_LIMIT_ENABLED: boolean
      readonly JWT_SECRET: string
    }>()
    expectTypeOf(loadEnv(testSchema, PRODUCTION)).toEqualTypeOf<Env>()
  })

  test('a default makes a field defined even when marked optional; enum defaults must be members', () => {
    const schema = defineEnv({
      A: env.string({ optional: true, description }),
      B: env.integer({ default: 1, description }),
      C: env.secret({ optional: true, description }),
      D: env.boolean({ optional: false, description }),
    })
    expectTypeOf<InferEnv<typeof schema>['A']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<InferEnv<typeof schema>['B']>().toEqualTypeOf<number>()
    expectTypeOf<InferEnv<typeof schema>['C']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<InferEnv<typeof schema>['D']>().toEqualTypeOf<boolean>()
    // @ts-expect-error the default must be one of the values
    const level = env.enum(['a', 'b'], { default: 'c', description })
    expect(level.defaultValue).toBe('c')
  })

  test('rules see the typed, frozen config and cannot change it', () => {
    const seen: unknown[] = []
    const schema = defineEnv(
      { NAME: env.string({ default: 'x', description }) },
      {
        rules: [
          (cfg) => {
            expectTypeOf(cfg.NAME).toEqualTypeOf<string>()
            seen.push(Object.isFrozen(cfg))
            return []
          },
        ],
      },
    )
    loadEnv(schema, {})
    expect(seen).toEqual([true])
  })
})
