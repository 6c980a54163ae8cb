import { getCookie, getCookieHeader, setupTestService } from '@shipshape/testing'
import { describe, expect, it } from 'vitest'
import { authService, jsonHeaders, logIn, ORIGIN, STRONG_PASSWORD, signUp } from '../test/auth-app.ts'

const { app, database } = await setupTestService(authService())

const refresh = (cookie: string) =>
  app.inject({ method: 'POST', url: '/auth/refresh', headers: { origin: ORIGIN, cookie } })
const me = (cookie: string) => app.inject({ method: 'GET', url: '/auth/me', headers: { cookie } })

async function startSession(email: string) {
  await signUp(app, email)
  const login = await logIn(app, email)
  expect(login.statusCode).toBe(200)
  return getCookieHeader(login)
}

describe('refresh tokens', () => {
  it('a used refresh token presented again → 401, and the whole login is revoked, access token included', async () => {
    const first = await startSession('reuse@example.test')
    const rotated = await refresh(first)
    expect(rotated.statusCode).toBe(200)
    expect(rotated.json()).toEqual({ id: expect.any(String), email: 'reuse@example.test' })
    const second = getCookieHeader(rotated)
    expect((await me(second)).statusCode).toBe(200)

    const replay = await refresh(first)
    expect(replay.statusCode).toBe(401)
    expect(replay.json()).toMatchObject({ code: 'unauthenticated' })
    // The legitimate holder's newer tokens die with the family.
    expect((await refresh(second)).statusCode).toBe(401)
    expect((await me(second)).statusCode).toBe(401)
  })

  it('two concurrent refreshes with one token → at most one 200', async () => {
    for (let round = 0; round < 5; round++) {
      const cookie = await startSession(`race${round}@example.test`)
      const results = await Promise.all(Array.from({ length: 8 }, () => refresh(cookie)))
      const ok = results.filter((response) => response.statusCode === 200)
      expect(ok.length).toBeLessThanOrEqual(1)
      expect(results.every((r) => r.statusCode === 200 || r.statusCode === 401)).toBe(true)
    }
  })

  it('an unknown or missing refresh token → 401 and the cookies cleared', async () => {
    const missing = await refresh('')
    expect(missing.statusCode).toBe(401)
    const bogus = await refresh('__Secure-refresh=not-a-token')
    expect(bogus.statusCode).toBe(401)
    expect(getCookie(bogus, '__Secure-refresh')).toBe('')
  })

  it('an expired login (absolute lifetime) or an idle refresh token → 401', async () => {
    const absolute = await startSession('absolute@example.test')
    await database.query(
      "UPDATE auth_sessions SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE email = $1)",
      ['absolute@example.test'],
    )
    expect((await me(absolute)).statusCode).toBe(401)
    expect((await refresh(absolute)).statusCode).toBe(401)

    const idle = await startSession('idle@example.test')
    await database.query(
      "UPDATE auth_refresh_tokens SET expires_at = now() - interval '1 second' WHERE session_id IN (SELECT s.id FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1)",
      ['idle@example.test'],
    )
    expect((await refresh(idle)).statusCode).toBe(401)
    expect((await me(idle)).statusCode).toBe(200)
  })

  it('refresh tokens are stored only as hashes', async () => {
    const cookie = await startSession('hashed@example.test')
    const token = cookie.match(/__Secure-refresh=([^;]+)/)?.[1] ?? ''
    const rows = await database.query<{ token_hash: string }>('SELECT token_hash FROM auth_refresh_tokens')
    expect(token.length).toBeGreaterThanOrEqual(43)
    expect(rows.some((row) => row.token_hash === token)).toBe(false)
  })

  it('logout → 204 and the session is dead server-side, not just the cookies cleared', async () => {
    const cookie = await startSession('logout@example.test')
    const out = await app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { origin: ORIGIN, cookie },
    })
    expect(out.statusCode).toBe(204)
    expect((await me(cookie)).statusCode).toBe(401)
    expect((await refresh(cookie)).statusCode).toBe(401)
  })

  it('a password change → 204 and every other session revoked, this one kept', async () => {
    const mine = await startSession('changer@example.test')
    const other = getCookieHeader(await logIn(app, 'changer@example.test'))
    const next = 'an entirely different long passphrase'
    const wrong = await app.inject({
      method: 'POST',
      url: '/auth/password',
      headers: jsonHeaders(mine),
      payload: { currentPassword: 'not the current password', newPassword: next },
    })
    expect(wrong.statusCode).toBe(401)
    const changed = await app.inject({
      method: 'POST',
      url: '/auth/password',
      headers: jsonHeaders(mine),
      payload: { currentPassword: STRONG_PASSWORD, newPassword: next },
    })
    expect(changed.statusCode).toBe(204)
    expect((await me(mine)).statusCode).toBe(200)
    expect((await me(other)).statusCode).toBe(401)
    expect((await logIn(app, 'changer@example.test', next)).statusCode).toBe(200)
    expect((await logIn(app, 'changer@example.test')).statusCode).toBe(401)
  })

  it('a weak new password → 400 weak_password naming the rule', async () => {
    const cookie = await startSession('weaknew@example.test')
    const response = await app.inject({
      method: 'POST',
      url: '/auth/password',
      headers: jsonHeaders(cookie),
      payload: { currentPassword: STRONG_PASSWORD, newPassword: 'short' },
    })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({
      code: 'weak_password',
      detail: expect.stringContaining('at least 15'),
    })
  })
})
