import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildTestApp,
  getCookieHeader,
  jsonHeaders,
  STRONG_PASSWORD,
  signUp,
  type TestApp,
} from './helpers/test-app.ts'
import { createTestDatabase, type TestDatabase } from './helpers/test-database.ts'

let database: TestDatabase
let test: TestApp
let cookie: string
const createdOnPurpose: string[] = []

beforeAll(async () => {
  database = await createTestDatabase()
  test = await buildTestApp(database)
  cookie = getCookieHeader(await signUp(test.app, 'owner@example.test'))
})
afterAll(async () => {
  await test?.close()
  await database?.drop()
})

const HOSTILE = [
  "' OR '1'='1' --",
  "x'); DROP TABLE users; --@example.test",
  'a@b.c\u0000hidden',
  'nul\u0000@example.test',
  'x'.repeat(10_000),
  `${'y'.repeat(10_000)}@example.test`,
  'evil\u202Egnp.exe@example.test',
  'zero\u200Bwidth@example.test',
  '\uD800lone@example.test',
  'lone\uDFFF',
  '😀😀😀',
  '',
  '   ',
  '@',
  'a@b',
  '\u0000',
  '%00',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal log4shell probe, not a template.
  '${jndi:ldap://x}',
  '<script>alert(1)</script>@example.test',
]

// Raw JSON, so lone surrogates travel as \u escapes exactly as a hostile client would send them.
const send = (url: string, body: Record<string, unknown>, withCookie = false) =>
  test.app.inject({
    method: 'POST',
    url,
    headers: jsonHeaders(withCookie ? cookie : undefined),
    payload: JSON.stringify(body),
  })

describe('hostile strings in every auth field', () => {
  it('answer 4xx, never 5xx (a hostile string that is a policy-compliant password may create an account)', async () => {
    const statuses: number[] = []
    for (const [index, value] of HOSTILE.entries()) {
      const passwordSignup = await send('/auth/signup', { email: `pw${index}@example.test`, password: value })
      expect(passwordSignup.statusCode).toBeLessThan(500)
      if (passwordSignup.statusCode === 201) createdOnPurpose.push(`pw${index}@example.test`)
      else expect(passwordSignup.headers['content-type']).toMatch(/^application\/problem\+json/)
      const responses = await Promise.all([
        send('/auth/signup', { email: value, password: STRONG_PASSWORD }),
        send('/auth/login', { email: value, password: STRONG_PASSWORD }),
        send('/auth/login', { email: 'owner@example.test', password: value }),
        send('/auth/password', { currentPassword: value, newPassword: STRONG_PASSWORD }, true),
        send('/auth/password', { currentPassword: 'wrong but long enough', newPassword: value }, true),
        send('/auth/signup', {
          email: 'a@example.test',
          password: STRONG_PASSWORD,
          [value.slice(0, 50) || 'x']: 1,
        }),
      ])
      for (const response of responses) {
        statuses.push(response.statusCode)
        expect(
          response.statusCode,
          `${response.body} for ${JSON.stringify(value.slice(0, 40))}`,
        ).toBeGreaterThanOrEqual(400)
        expect(response.statusCode).toBeLessThan(500)
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
      }
    }
    expect(statuses.length).toBe(HOSTILE.length * 6)
  })

  it('__proto__ keys and unknown fields are refused', async () => {
    const proto = await test.app.inject({
      method: 'POST',
      url: '/auth/signup',
      headers: jsonHeaders(),
      payload: `{"email":"p@example.test","password":"${STRONG_PASSWORD}","__proto__":{"admin":true}}`,
    })
    expect(proto.statusCode).toBeGreaterThanOrEqual(400)
    expect(proto.statusCode).toBeLessThan(500)
  })

  it('leave the users table holding only the accounts created on purpose', async () => {
    const rows = await database.query<{ email: string }>('SELECT email FROM users ORDER BY email')
    expect(rows.map((row) => row.email)).toEqual(['owner@example.test', ...createdOnPurpose].sort())
    // Only the 15+ character hostile values can be passwords; everything else was refused.
    expect(createdOnPurpose.length).toBeLessThanOrEqual(HOSTILE.filter((v) => [...v].length >= 15).length)
    const tables = await database.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    )
    expect(tables.map((t) => t.name)).toEqual(['auth_refresh_tokens', 'auth_sessions', 'notes', 'users'])
  })
})
