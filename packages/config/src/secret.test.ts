import { describe, expect, test } from 'vitest'
import { catchConfigError, loadOne } from '../test/helpers.ts'
import { PRODUCTION, STRONG_SECRET, testSchema } from '../test/schema.ts'
import { defineEnv, env, loadEnv, renderEnvExample } from './index.ts'

const description = 'A secret.'

function readAssignment(fileText: string, name: string): string {
  const line = fileText.split('\n').find((candidate) => candidate.startsWith(`${name}=`))
  if (line === undefined) throw new Error(`${name} is not assigned in the rendered file`)
  return line.slice(name.length + 1)
}

describe('env.secret', () => {
  test('rejects the placeholder rendered into .env.example, in every mode', () => {
    const placeholder = readAssignment(renderEnvExample(testSchema), 'JWT_SECRET')
    expect(placeholder).toMatch(/^change-me-jwt-secret-/u)
    for (const APP_ENV of ['development', 'test', 'production']) {
      const error = catchConfigError(() =>
        loadEnv(testSchema, { ...PRODUCTION, APP_ENV, JWT_SECRET: placeholder }),
      )
      expect(error.issues).toEqual([
        {
          variable: 'JWT_SECRET',
          message: 'is still the .env.example placeholder; generate one with: openssl rand -base64 48',
        },
      ])
    }
  })

  test('rejects any value that starts like a placeholder, even padded past the minimum', () => {
    expect(loadOne(env.secret({ description }), `change-me-${'z'.repeat(40)}`)).toEqual({
      issue: 'X: is still the .env.example placeholder; generate one with: openssl rand -base64 48',
    })
  })

  test('rejects one character repeated and a value under its minimum length', () => {
    expect(loadOne(env.secret({ description }), '7'.repeat(64))).toEqual({
      issue: 'X: is one character repeated; generate one with: openssl rand -base64 48',
    })
    expect(loadOne(env.secret({ minLength: 48, description }), STRONG_SECRET)).toEqual({
      issue: 'X: must be at least 48 characters; generate one with: openssl rand -base64 48',
    })
  })

  test('accepts a strong value in production', () => {
    expect(loadEnv(testSchema, PRODUCTION).JWT_SECRET).toBe(STRONG_SECRET)
  })

  test('an ephemeral development secret meets a larger minLength', () => {
    const schema = defineEnv({ LONG_SECRET: env.secret({ minLength: 100, description }) })
    const config = loadEnv(schema, {}, { onWarning: () => {} })
    expect(config.LONG_SECRET.length).toBeGreaterThanOrEqual(100)
  })

  test('an optional secret stays undefined when unset, in production too, and gets no ephemeral value', () => {
    const warnings: string[] = []
    const schema = defineEnv({ WEBHOOK_SECRET: env.secret({ optional: true, description }) })
    expect(loadEnv(schema, {}, { onWarning: (m) => warnings.push(m) }).WEBHOOK_SECRET).toBeUndefined()
    expect(loadEnv(schema, { APP_ENV: 'production' }).WEBHOOK_SECRET).toBeUndefined()
    expect(warnings).toEqual([])
  })

  test('a default, an example or a tiny minLength is a schema error', () => {
    const error = catchConfigError(() =>
      defineEnv({
        // @ts-expect-error a secret cannot have a default
        A_SECRET: env.secret({ default: 'same-secret-in-every-deployment-xx', description }),
        // @ts-expect-error a secret's example is its generated placeholder
        B_SECRET: env.secret({ example: 'x', description }),
        C_SECRET: env.secret({ minLength: 8, description }),
      }),
    )
    expect(error.code).toBe('SHIPSHAPE_CONFIG_SCHEMA_INVALID')
    expect(error.issues).toEqual([
      { variable: 'A_SECRET', message: 'is a secret and cannot have a default' },
      { variable: 'B_SECRET', message: 'is a secret: its example is a generated placeholder' },
      { variable: 'C_SECRET', message: 'minLength must be an integer of at least 16' },
    ])
  })
})
