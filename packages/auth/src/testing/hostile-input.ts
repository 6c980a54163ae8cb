import { describe, expect, it } from 'vitest'
import { createContractClient, createPassword, type Response, type Session } from './client.ts'
import { listTables, listUserEmails } from './database-rows.ts'
import { getAreaOverrides } from './overrides.ts'
import type { AuthContractOptions } from './types.ts'

/** SQL metacharacters, NUL, very long values, RTL overrides, zero-width, emoji, lone surrogates and friends. */
const HOSTILE = [
  "' OR '1'='1' --",
  "x'); DROP TABLE users; --@example.test",
  'a@b.c\u0000hidden',
  'nul\u0000@example.test',
  '\u0000',
  'x'.repeat(10_000),
  `${'y'.repeat(10_000)}@example.test`,
  'evil\u202Egnp.exe@example.test',
  'zero\u200Bwidth@example.test',
  '\uD800lone@example.test',
  'lone\uDFFF',
  '😀😀😀',
  '😀'.repeat(40),
  '',
  '   ',
  '@',
  'a@b',
  '%00',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal log4shell probe, not a template.
  '${jndi:ldap://x}',
  '<script>alert(1)</script>@example.test',
]
const NON_STRINGS: unknown[] = [null, 42, true, [], {}, ['a@b.test']]

function expectClientError(response: Response, label: string): void {
  expect(response.statusCode, `${label} → ${response.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400)
  expect(response.statusCode, label).toBeLessThan(500)
  expect(response.headers['content-type'], label).toMatch(/^application\/problem\+json/)
}

export function describeHostileInput(options: AuthContractOptions): void {
  describe('auth contract: hostile input in every auth field', async () => {
    const service = await options.setup(getAreaOverrides())
    const client = createContractClient(service, options.allowedOrigin)
    const created: Session[] = []
    // A `DROP TABLE` that got through would show as a table missing afterwards.
    const tablesBefore = await listTables(service.db)
    /** JSON text, so lone surrogates travel as \u escapes exactly as a hostile client sends them. */
    const post = (url: string, body: Record<string, unknown>, cookie?: string) =>
      client.send({
        method: 'POST',
        url,
        headers: {
          origin: options.allowedOrigin,
          'content-type': 'application/json',
          ...(cookie ? { cookie } : {}),
        },
        payload: JSON.stringify(body),
      })

    it('→ 4xx problem+json, never 5xx (a hostile value that is a valid password may create its account)', async () => {
      const owner = await client.startSession()
      created.push(owner)
      for (const [index, value] of [...HOSTILE, ...NON_STRINGS].entries()) {
        const label = JSON.stringify(value)?.slice(0, 40) ?? String(value)
        const email = `hostile-password-${index}-${createPassword().slice(-8)}@example.test`
        const asPassword = await post('/auth/signup', { email, password: value })
        if (asPassword.statusCode === 201) created.push({ ...owner, email })
        else expectClientError(asPassword, `signup password ${label}`)
        const responses = await Promise.all([
          post('/auth/signup', { email: value, password: owner.password }),
          post('/auth/login', { email: value, password: owner.password }),
          post('/auth/login', { email: owner.email, password: value }),
          post('/auth/password', { currentPassword: value, newPassword: createPassword() }, owner.cookie),
          post(
            '/auth/password',
            { currentPassword: 'not the current password', newPassword: value },
            owner.cookie,
          ),
          // A valid sign-up but for one unknown field named by the hostile value.
          post('/auth/signup', {
            email: `hostile-key-${index}-${createPassword().slice(-8)}@example.test`,
            password: owner.password,
            [String(value).slice(0, 50) || 'x']: 1,
          }),
        ])
        for (const response of responses) expectClientError(response, label)
      }
    })

    it('a __proto__ key or an extra field in a sign-up → 4xx, no account', async () => {
      const email = `proto-${createPassword().slice(-8)}@example.test`
      const proto = `{"email":"${email}","password":"${createPassword()}","__proto__":{"admin":true}}`
      expectClientError(
        await client.send({
          method: 'POST',
          url: '/auth/signup',
          headers: { 'content-type': 'application/json' },
          payload: proto,
        }),
        '__proto__',
      )
      expectClientError(
        await post('/auth/signup', { email, password: createPassword(), admin: true }),
        'admin',
      )
    })

    it('afterwards the users table holds only the accounts this area created on purpose', async () => {
      const expected = created.map((session) => session.email).sort()
      expect(await listUserEmails(service.db)).toEqual(expected)
      // The owner's password was never changed by any of the hostile attempts.
      const owner = created[0]
      expect((await client.logIn(owner?.email ?? '', owner?.password ?? '')).statusCode).toBe(200)
      expect(tablesBefore).toContain('users')
      expect(await listTables(service.db)).toEqual(tablesBefore)
    })
  })
}
