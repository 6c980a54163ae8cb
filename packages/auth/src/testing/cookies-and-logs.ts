import { getCookieHeader } from '@shipshape/testing'
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { createContractClient, createEmail, createPassword, type Response } from './client.ts'
import { getAreaOverrides } from './overrides.ts'
import type { AuthContractOptions } from './types.ts'

const MAX_ACCESS_SECONDS = 900

function expectSessionCookies(response: Response): void {
  const access = response.cookies.find((cookie) => cookie.name === '__Host-access')
  const refresh = response.cookies.find((cookie) => cookie.name === '__Secure-refresh')
  const names = JSON.stringify(response.cookies.map((cookie) => cookie.name))
  expect(access, `__Host-access among ${names} (is cookieSecure off?)`).toBeDefined()
  expect(refresh, `__Secure-refresh among ${names}`).toBeDefined()
  expect(access).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' })
  expect(access?.domain).toBeUndefined()
  expect(access?.maxAge).toBeLessThanOrEqual(MAX_ACCESS_SECONDS)
  expect(refresh).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/auth' })
  expect(refresh?.domain).toBeUndefined()
  expect(Buffer.from(refresh?.value ?? '', 'base64url').byteLength).toBeGreaterThanOrEqual(32)
  const claims = decodeJwt(access?.value ?? '')
  expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBeLessThanOrEqual(MAX_ACCESS_SECONDS)
}

const getCookieValues = (response: Response) =>
  response.cookies.map((cookie) => cookie.value).filter((value) => value !== '')

export function describeCookiesAndLogs(options: AuthContractOptions): void {
  describe('auth contract: cookies, and secrets kept out of logs, bodies and redirects', async () => {
    const service = await options.setup(getAreaOverrides())
    const client = createContractClient(service, options.allowedOrigin)
    const secrets: string[] = []

    it('sign-up, login and refresh set __Host-access (HttpOnly, Secure, Lax, Path=/) and __Secure-refresh (Strict, Path=/auth)', async () => {
      const email = createEmail('cookies')
      const password = createPassword()
      const signUp = await client.signUp(email, password)
      const logIn = await client.logIn(email, password)
      const refresh = await client.refresh(getCookieHeader(logIn))
      for (const response of [signUp, logIn, refresh]) {
        expect(response.statusCode).toBeLessThan(300)
        expect(response.headers['cache-control']).toBe('no-store')
        expectSessionCookies(response)
        expect(Object.keys(response.json()).sort()).toEqual(['email', 'id'])
        secrets.push(...getCookieValues(response))
      }
      secrets.push(password)
    })

    it('every /auth response, errors included, carries Cache-Control: no-store', async () => {
      const responses = [
        await client.logIn(createEmail('nobody'), 'a wrong password of decent length'),
        await client.send({ method: 'GET', url: '/auth/me' }),
        await client.refresh(''),
        await client.sendJson('POST', '/auth/signup', { email: 'not an email', password: 'short' }),
        await client.send({ method: 'GET', url: '/auth/no-such-route' }),
      ]
      for (const response of responses) expect(response.headers['cache-control']).toBe('no-store')
    })

    it("no password or token appears in any log line, response body or Location header of this area's traffic", async () => {
      const session = await client.startSession()
      const wrong = `wrong ${createPassword()}`
      const login = await client.logIn(session.email, session.password)
      await client.logIn(session.email, wrong)
      const refreshed = await client.refresh(getCookieHeader(login))
      const next = createPassword()
      const cookie = getCookieHeader(refreshed)
      await client.sendJson(
        'POST',
        '/auth/password',
        { currentPassword: session.password, newPassword: next },
        cookie,
      )
      await client.sendJson('POST', '/auth/password', { currentPassword: wrong, newPassword: next }, cookie)
      await client.refresh(getCookieHeader(login))
      await client.sendJson('POST', options.resource.path, options.resource.createBody, cookie)
      await client.send({
        method: 'POST',
        url: '/auth/logout',
        headers: { origin: 'https://evil.example', cookie },
      })
      await client.sendJson('POST', '/auth/logout', undefined, cookie)
      secrets.push(session.password, wrong, next, ...[session.cookie, login, refreshed].flatMap(getValues))

      expect(service.logs.join('\n'), 'the service must capture its logs at trace/debug').toContain('auth: ')
      for (const secret of secrets) {
        expect(secret.length).toBeGreaterThan(10)
        for (const line of service.logs) expect(line).not.toContain(secret)
        for (const seen of client.seen) expect(seen).not.toContain(secret)
      }
    })
  })
}

function getValues(source: string | Response): string[] {
  if (typeof source !== 'string') return getCookieValues(source)
  return source.split('; ').map((pair) => pair.slice(pair.indexOf('=') + 1))
}
