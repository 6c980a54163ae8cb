import { readFile } from 'node:fs/promises'
import { ConfigError, checkEnvExample, loadEnv } from '@shipshape/config'
import { describe, expect, it } from 'vitest'
import { envSchema } from '../src/config.ts'

describe('configuration', () => {
  it('.env.example is the file the schema renders (run `pnpm env:example` when this fails)', async () => {
    const committed = await readFile(new URL('../.env.example', import.meta.url), 'utf8')
    expect(checkEnvExample(envSchema, committed)).toEqual({ ok: true })
  })

  it('production refuses the embedded database and a wildcard origin, naming every bad variable', () => {
    const attempt = () => loadEnv(envSchema, { APP_ENV: 'production', CORS_ORIGINS: '*', PORT: 'eighty' })
    expect(attempt).toThrow(ConfigError)
    try {
      attempt()
    } catch (error) {
      const variables = (error as ConfigError).issues.map((issue) => issue.variable)
      expect(variables).toEqual(expect.arrayContaining(['DATABASE_URL', 'CORS_ORIGINS', 'PORT']))
    }
  })

  it('development starts with no set-up at all', () => {
    const config = loadEnv(envSchema, {})
    expect(config.APP_ENV).toBe('development')
    expect(config.PORT).toBe(3100)
    expect(config.DATABASE_URL).toBeUndefined()
  })
})
