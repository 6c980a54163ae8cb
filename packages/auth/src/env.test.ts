import { readFileSync } from 'node:fs'
import { ConfigError, defineServiceEnv, getSecretVariables, loadEnv } from '@shipshape/config'
import { describe, expect, it } from 'vitest'
import { authEnv } from './env.ts'
import { resolveAuthOptions } from './options.ts'

const schema = defineServiceEnv({ defaultPort: 4100, fragments: [authEnv], fields: {} })
const production = {
  APP_ENV: 'production',
  DATABASE_URL: 'postgres://a:b@db:5432/app',
  JWT_SECRET: 'a'.repeat(16) + 'b'.repeat(24),
}

describe('authEnv', () => {
  it("defaults the allowed origins to the service's own, from its port", () => {
    expect(loadEnv(schema, {}).AUTH_ORIGINS).toEqual(['http://127.0.0.1:4100', 'http://localhost:4100'])
  })

  it('production needs JWT_SECRET and refuses insecure cookies; JWT_SECRET comes from a Secret', () => {
    expect(loadEnv(schema, production).COOKIE_SECURE).toBe(true)
    const insecure = () => loadEnv(schema, { ...production, JWT_SECRET: '', COOKIE_SECURE: 'false' })
    expect(insecure).toThrow(ConfigError)
    expect(insecure).toThrow(
      /JWT_SECRET: is required in production\n.*COOKIE_SECURE: must be true in production/u,
    )
    expect(getSecretVariables(schema).map((variable) => variable.name)).toContain('JWT_SECRET')
  })

  it("accepts exactly the password minimums the plugin accepts, with the plugin's default", () => {
    const options = (passwordMinLength?: number) => () =>
      resolveAuthOptions({
        db: {} as never,
        jwtSecret: production.JWT_SECRET,
        issuer: 'https://auth.example.test',
        audience: 'test',
        allowedOrigins: [],
        ...(passwordMinLength === undefined ? {} : { passwordMinLength }),
      })
    expect(loadEnv(schema, {}).PASSWORD_MIN_LENGTH).toBe(options()().passwordMinLength)
    for (const [value, accepted] of [
      [7, false],
      [8, true],
      [128, true],
      [129, false],
    ] as const) {
      const fromEnv = () => loadEnv(schema, { PASSWORD_MIN_LENGTH: String(value) })
      if (accepted) {
        expect(fromEnv).not.toThrow()
        expect(options(value)).not.toThrow()
      } else {
        expect(fromEnv).toThrow(/PASSWORD_MIN_LENGTH/u)
        expect(options(value)).toThrow()
      }
    }
  })

  it('imports nothing but @shipshape/config and plain constants, so the doctor and schemas load it alone', () => {
    const imports = (file: string) =>
      [...readFileSync(new URL(file, import.meta.url), 'utf8').matchAll(/from '([^']+)'/gu)].map(
        (match) => match[1],
      )
    expect(imports('./env.ts')).toEqual(['@shipshape/config', './password-limits.ts'])
    expect(imports('./password-limits.ts')).toEqual([])
  })
})
