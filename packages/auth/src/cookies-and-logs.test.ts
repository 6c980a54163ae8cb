import { createHmac, generateKeyPairSync } from 'node:crypto'
import { getCookie, getCookieHeader, setupTestService } from '@shipshape/testing'
import { decodeJwt, exportSPKI } from 'jose'
import { describe, expect, it } from 'vitest'
import {
  authService,
  buildAuthApp,
  JWT_SECRET,
  jsonHeaders,
  logIn,
  ORIGIN,
  STRONG_PASSWORD,
  signUp,
} from '../test/auth-app.ts'

const { app, database, logs } = await setupTestService(authService())

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
function forge(header: object, payload: object, key: string): string {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`
}

describe('session cookies', () => {
  it('sets __Host-access (HttpOnly, Secure, SameSite=Lax, Path=/) and __Secure-refresh (Strict, Path=/auth)', async () => {
    const response = await signUp(app, 'flags@example.test')
    expect(response.statusCode).toBe(201)
    const access = response.cookies.find((cookie) => cookie.name === '__Host-access')
    const refresh = response.cookies.find((cookie) => cookie.name === '__Secure-refresh')
    expect(access).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' })
    expect(access?.domain).toBeUndefined()
    expect(access?.maxAge).toBeLessThanOrEqual(900)
    expect(refresh).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/auth' })
    expect(Buffer.from(refresh?.value ?? '', 'base64url').byteLength).toBeGreaterThanOrEqual(32)
    const claims = decodeJwt(access?.value ?? '')
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBeLessThanOrEqual(900)
  })

  it('every /auth response, errors included, carries Cache-Control: no-store', async () => {
    const responses = [
      await signUp(app, 'flags@example.test'),
      await logIn(app, 'nobody@example.test'),
      await app.inject({ method: 'GET', url: '/auth/me' }),
      await app.inject({ method: 'POST', url: '/auth/refresh', headers: { origin: ORIGIN } }),
      await app.inject({
        method: 'POST',
        url: '/auth/login',
        headers: { origin: 'https://evil.test' },
        payload: {},
      }),
    ]
    for (const response of responses) expect(response.headers['cache-control']).toBe('no-store')
  })

  it('no token or password ever appears in a log line, a response body or a Location header', async () => {
    const password = `${STRONG_PASSWORD} unique-marker`
    const seen: string[] = []
    const record = (r: Awaited<ReturnType<typeof signUp>>) => {
      seen.push(r.body, String(r.headers.location ?? ''))
      return r
    }
    record(await signUp(app, 'secret@example.test', password))
    const login = record(await logIn(app, 'secret@example.test', password))
    const cookie = getCookieHeader(login)
    record(await logIn(app, 'secret@example.test', 'wrong password for the log test'))
    const refreshed = record(
      await app.inject({ method: 'POST', url: '/auth/refresh', headers: { origin: ORIGIN, cookie } }),
    )
    record(
      await app.inject({
        method: 'GET',
        url: '/auth/me',
        headers: { cookie: getCookieHeader(refreshed) },
      }),
    )
    const secrets = [
      password,
      'wrong password for the log test',
      getCookie(login, '__Host-access'),
      getCookie(login, '__Secure-refresh'),
      getCookie(refreshed, '__Host-access'),
      getCookie(refreshed, '__Secure-refresh'),
    ]
    expect(logs.raw.length).toBeGreaterThan(0)
    for (const secret of secrets) {
      expect(secret).toBeTruthy()
      for (const line of [...logs.raw, ...seen]) expect(line).not.toContain(secret)
    }
  })
})

describe('cookieSecure: false (plain-HTTP development)', () => {
  it('drops Secure and, because browsers demand Secure for them, the __Host-/__Secure- prefixes', async () => {
    const plain = await buildAuthApp(database, { cookieSecure: false })
    try {
      const response = await signUp(plain.app, 'plain@example.test')
      expect(response.cookies.map((cookie) => [cookie.name, cookie.secure ?? false])).toEqual([
        ['access', false],
        ['refresh', false],
      ])
      const me = await plain.app.inject({
        method: 'GET',
        url: '/auth/me',
        headers: { cookie: getCookieHeader(response) },
      })
      expect(me.statusCode).toBe(200)
    } finally {
      await plain.close()
    }
  })
})

describe('access token cookie', () => {
  it('alg none, RS/HS confusion, wrong key, tampered or wrong-audience tokens for a LIVE session → 401', async () => {
    await signUp(app, 'jwt@example.test')
    const login = await logIn(app, 'jwt@example.test')
    const real = getCookie(login, '__Host-access') ?? ''
    const claims = decodeJwt(real)
    const me = (token: string) =>
      app.inject({ method: 'GET', url: '/auth/me', headers: { cookie: `__Host-access=${token}` } })
    expect((await me(real)).statusCode).toBe(200)

    const pem = await exportSPKI(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey)
    const [header, , signature] = real.split('.')
    const forgeries = [
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
      forge({ alg: 'HS256', typ: 'JWT' }, claims, pem),
      forge({ alg: 'RS256', typ: 'JWT' }, claims, JWT_SECRET),
      forge({ alg: 'HS256', typ: 'JWT' }, claims, 'another-secret-that-is-32-bytes-long!!'),
      `${header}.${b64({ ...claims, exp: (claims.exp ?? 0) + 3600 })}.${signature}`,
      forge({ alg: 'HS256', typ: 'JWT' }, { ...claims, aud: 'other-service' }, JWT_SECRET),
      forge({ alg: 'HS256', typ: 'JWT' }, { ...claims, iss: 'https://evil.test' }, JWT_SECRET),
      forge({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: 1, exp: 2 }, JWT_SECRET),
    ]
    for (const token of forgeries) {
      const response = await me(token)
      expect(response.statusCode).toBe(401)
      expect(response.json()).toMatchObject({ code: 'unauthenticated' })
    }
    // Control: the same claims signed correctly pass, so each forgery failed for its flaw alone.
    expect((await me(forge({ alg: 'HS256', typ: 'JWT' }, claims, JWT_SECRET))).statusCode).toBe(200)
  })

  it('guards app routes with app.authenticate', async () => {
    expect((await app.inject({ method: 'GET', url: '/private' })).statusCode).toBe(401)
    const login = await logIn(app, 'jwt@example.test')
    const response = await app.inject({
      method: 'GET',
      url: '/private',
      headers: { cookie: getCookieHeader(login) },
    })
    expect(response.json()).toEqual({ user: { id: expect.any(String), email: 'jwt@example.test' } })
    const post = await app.inject({
      method: 'POST',
      url: '/private',
      headers: jsonHeaders(getCookieHeader(login)),
      payload: {},
    })
    expect(post.statusCode).toBe(200)
  })
})
