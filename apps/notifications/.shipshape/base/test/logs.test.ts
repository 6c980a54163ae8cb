import { sql } from 'drizzle-orm'
import { expect, it } from 'vitest'
import { cheapArgon2, origin, password, setupService } from './setup.ts'

// The service contract: no log line at any level carries a query's parameters, an email address, a password
// hash, a token or a cookie, failed queries included. Each failure below makes the database refuse a write
// whose parameters (and whose failing row, in PostgreSQL's error detail) hold exactly such values.
const { app, db, logs } = await setupService({
  auth: { testArgon2Params: cheapArgon2 },
  provokesServerErrors: true,
})

function postCredentials(url: string, email: string) {
  return app.inject({ method: 'POST', url, headers: { origin }, payload: { email, password } })
}

it('logs failed queries without their parameters, emails, password hashes, tokens or cookies', async () => {
  const email = 'log-probe.person@example.com'
  const signedUp = await postCredentials('/auth/signup', email)
  expect(signedUp.statusCode).toBe(201)
  const cookies = signedUp.cookies.map((cookie) => cookie.value)
  const taken = await postCredentials('/auth/signup', email.toUpperCase())
  expect(taken.statusCode).toBe(409)

  // Logging in inserts a refresh token (its hash) into a table that now refuses every row.
  await db.execute(sql`ALTER TABLE auth_refresh_tokens ADD CONSTRAINT refuse_all CHECK (false) NOT VALID`)
  expect((await postCredentials('/auth/login', email)).statusCode).toBe(500)
  // Signing up inserts the email and the password hash into a table that now refuses every row.
  await db.execute(sql`ALTER TABLE users ADD CONSTRAINT refuse_all CHECK (false) NOT VALID`)
  const second = 'second.person@example.com'
  expect((await postCredentials('/auth/signup', second)).statusCode).toBe(500)
  // A query against a table that is gone.
  await db.execute(sql`DROP TABLE users CASCADE`)
  const third = 'third.person@example.com'
  expect((await postCredentials('/auth/signup', third)).statusCode).toBe(500)

  const errors = logs.filter((line) => line.includes('"level":"error"'))
  expect(errors.length, 'each failure is logged at error level').toBeGreaterThanOrEqual(3)
  const text = logs.join('\n')
  for (const secret of [email, second, third, password, '$argon2', 'params', ...cookies]) {
    expect(text).not.toContain(secret)
  }
  expect(text).not.toMatch(/@example\.com|Failing row/i)
})
