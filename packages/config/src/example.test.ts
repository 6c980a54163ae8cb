import { parseEnv } from 'node:util'
import { describe, expect, test } from 'vitest'
import { STRONG_SECRET, testSchema } from '../test/schema.ts'
import { checkEnvExample, defineEnv, env, loadEnv, renderEnvExample } from './index.ts'

const command = 'pnpm --filter api env:example'

describe('checkEnvExample', () => {
  test('reports a stale file with the first differing line and how to regenerate', () => {
    const stale = renderEnvExample(testSchema, { regenerateCommand: command }).replace(
      'PORT=3000',
      'PORT=8080',
    )
    const result = checkEnvExample(testSchema, stale, { regenerateCommand: command })
    expect(result).toEqual({
      ok: false,
      expected: renderEnvExample(testSchema, { regenerateCommand: command }),
      message: `.env.example is out of date with the environment schema (line 10: expected "PORT=3000"). Regenerate it with: ${command}`,
    })
  })

  test('reports a truncated or empty file', () => {
    const full = renderEnvExample(testSchema)
    const truncated = full.split('\n').slice(0, 10).join('\n')
    const result = checkEnvExample(testSchema, truncated)
    expect(result.ok).toBe(false)
    expect(!result.ok && result.message).toContain('line 11: expected ""')
    expect(checkEnvExample(testSchema, '').ok).toBe(false)
    expect(checkEnvExample(testSchema, `${full}EXTRA=1\n`)).toMatchObject({ ok: false })
  })

  test('never echoes what the file holds, which may be a real secret', () => {
    const leaked = renderEnvExample(testSchema).replace(/^JWT_SECRET=.*$/mu, `JWT_SECRET=${STRONG_SECRET}`)
    const result = checkEnvExample(testSchema, leaked)
    expect(result.ok).toBe(false)
    expect(JSON.stringify(result)).not.toContain(STRONG_SECRET)
  })

  test('accepts the rendered file with CRLF line endings, trailing spaces and extra final newlines', () => {
    const rendered = renderEnvExample(testSchema)
    expect(checkEnvExample(testSchema, rendered)).toEqual({ ok: true })
    expect(checkEnvExample(testSchema, `${rendered.replaceAll('\n', '  \r\n')}\n\n`)).toEqual({ ok: true })
  })
})

describe('renderEnvExample', () => {
  test('renders a header, then description, type line and assignment per variable', () => {
    const text = renderEnvExample(testSchema, {
      regenerateCommand: command,
      header: 'Copy to .env.\n\nThen edit.',
    })
    const expectedStart = [
      '# Generated from the environment schema by @shipshape/config; do not edit by hand.',
      `# To change it, edit the schema. Regenerate it with: ${command}`,
      '# Copy to .env.',
      '#',
      '# Then edit.',
      '',
      '# Mode: production refuses ephemeral secrets and development-only defaults. NODE_ENV is not consulted.',
      '# enum, default development, one of development|test|production',
      'APP_ENV=development',
      '',
      '# TCP port the HTTP server listens on.',
      '# port, default 3000, from 1 to 65535',
      'PORT=3000',
      '',
    ].join('\n')
    expect(text.startsWith(expectedStart)).toBe(true)
    expect(text).toContain(
      [
        '# PostgreSQL connection string; unset uses the embedded database.',
        '# url, optional, protocols postgres: postgresql:',
        '# DATABASE_URL=postgres://app:app@127.0.0.1:5432/app',
      ].join('\n'),
    )
    expect(text).toContain(
      '# list, default (empty), comma-separated origins scheme://host[:port]\nCORS_ORIGINS=\n',
    )
    expect(text).toContain('# integer, default 10000, from 0 to 120000\nSHUTDOWN_GRACE_MS=10000\n')
    expect(
      text.endsWith(
        [
          '# Signs access tokens.',
          '# secret, required in production (random per process otherwise), at least 32 characters',
          'JWT_SECRET=change-me-jwt-secret-xxxxxxxxxxx\n',
        ].join('\n'),
      ),
    ).toBe(true)
  })

  test('joins list defaults, leaves required variables empty and comments out optional ones', () => {
    const schema = defineEnv({
      HOSTS: env.list({ default: ['a', 'b'], description: 'Hosts.' }),
      ISSUER: env.url({ example: 'https://id.example.com', description: 'Token issuer.' }),
      WEBHOOK_SECRET: env.secret({ optional: true, description: 'Webhook key.' }),
    })
    const text = renderEnvExample(schema)
    expect(text).toContain('# list, default a,b, comma-separated\nHOSTS=a,b\n')
    expect(text).toContain('# url, required, e.g. https://id.example.com\nISSUER=\n')
    expect(text).toContain(
      '# secret, optional, at least 32 characters\n# WEBHOOK_SECRET=change-me-webhook-secret-xxxxxxxx\n',
    )
  })

  test('is byte-stable and ends with exactly one newline', () => {
    const first = renderEnvExample(testSchema)
    expect(renderEnvExample(testSchema)).toBe(first)
    expect(first.endsWith('x\n')).toBe(true)
  })

  test("parses with Node's own .env parser and, with a real secret, loads to the defaults", () => {
    const parsed = parseEnv(renderEnvExample(testSchema))
    const config = loadEnv(testSchema, { ...parsed, JWT_SECRET: STRONG_SECRET })
    expect(config).toMatchObject({ APP_ENV: 'development', PORT: 3000, HOST: '127.0.0.1', CORS_ORIGINS: [] })
    expect(config).toMatchObject({ LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: 10_000, RATE_LIMIT_ENABLED: true })
    expect(parsed.DATABASE_URL).toBeUndefined()
  })
})
