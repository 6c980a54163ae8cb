import { readFileSync } from 'node:fs'
import { ConfigError, defineServiceEnv, getSecretVariables, loadEnv } from '@shipshape/config'
import { describe, expect, it } from 'vitest'
import { webhooksEnv } from './env.ts'

const schema = defineServiceEnv({ defaultPort: 4100, fragments: [webhooksEnv], fields: {} })

describe('webhooksEnv', () => {
  it('brings the current secret (required in production) and the previous one (optional), both from a Secret', () => {
    expect(getSecretVariables(schema).slice(-2)).toEqual([
      { name: 'WEBHOOK_SECRET', optional: false },
      { name: 'WEBHOOK_SECRET_PREVIOUS', optional: true },
    ])
    const attempt = () =>
      loadEnv(schema, { APP_ENV: 'production', DATABASE_URL: 'postgres://a:b@db:5432/app' })
    expect(attempt).toThrow(ConfigError)
    expect(attempt).toThrow(/WEBHOOK_SECRET: is required in production/u)
  })

  it('imports nothing but @shipshape/config, so the doctor and schemas load it without the plugin', () => {
    const source = readFileSync(new URL('./env.ts', import.meta.url), 'utf8')
    expect([...source.matchAll(/from '([^']+)'/gu)].map((match) => match[1])).toEqual(['@shipshape/config'])
  })
})
