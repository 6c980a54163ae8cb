import { getCookieHeader, type TestDatabase } from '@shipshape/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthApp, buildAuthApp, createAuthDatabase, logIn, ORIGIN, signUp } from '../test/auth-app.ts'

let database: TestDatabase
let test: AuthApp
let cookie: string

beforeAll(async () => {
  database = await createAuthDatabase()
  test = await buildAuthApp(database)
  await signUp(test.app, 'csrf@example.test')
  cookie = getCookieHeader(await logIn(test.app, 'csrf@example.test'))
})
afterAll(async () => {
  await test?.close()
  await database?.destroy()
})

const post = (url: string, headers: Record<string, string>, payload = '{}') =>
  test.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload,
  })

describe('CSRF on cookie-authenticated unsafe requests', () => {
  it('a cross-site Origin → 403 csrf_failed, on app routes and auth routes alike', async () => {
    for (const url of ['/private', '/auth/logout', '/auth/refresh', '/auth/password']) {
      const response = await post(url, { origin: 'https://evil.example', cookie })
      expect(response.statusCode).toBe(403)
      expect(response.json()).toMatchObject({ code: 'csrf_failed' })
    }
  })

  it('no Origin and no Referer with the cookie → 403; a sibling subdomain or other scheme → 403', async () => {
    expect((await post('/private', { cookie })).statusCode).toBe(403)
    expect((await post('/private', { origin: 'null', cookie })).statusCode).toBe(403)
    expect((await post('/private', { origin: 'https://evil.app.example.test', cookie })).statusCode).toBe(403)
    expect((await post('/private', { origin: 'http://app.example.test', cookie })).statusCode).toBe(403)
    expect((await post('/private', { referer: 'https://evil.example/page', cookie })).statusCode).toBe(403)
  })

  it('the allowed Origin, or a same-origin Referer when Origin is absent, passes', async () => {
    expect((await post('/private', { origin: ORIGIN, cookie })).statusCode).toBe(200)
    expect((await post('/private', { referer: `${ORIGIN}/settings?tab=1`, cookie })).statusCode).toBe(200)
  })

  it('a text/plain or form body with the cookie → 415 even from the allowed origin', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const response = await post('/private', { origin: ORIGIN, cookie, 'content-type': type }, '{"a":1}')
      expect(response.statusCode).toBe(415)
      expect(response.json()).toMatchObject({ code: 'unsupported_media_type' })
    }
  })

  it('login CSRF: a cookie-less login from a foreign Origin → 403', async () => {
    const response = await post(
      '/auth/login',
      { origin: 'https://evil.example' },
      JSON.stringify({ email: 'csrf@example.test', password: 'whatever' }),
    )
    expect(response.statusCode).toBe(403)
  })

  it('a text/plain cross-site "simple request" login never reaches the handler', async () => {
    const response = await post(
      '/auth/login',
      { 'content-type': 'text/plain' },
      JSON.stringify({ email: 'csrf@example.test', password: 'whatever' }),
    )
    expect(response.statusCode).toBe(415)
  })

  it('safe methods are not checked', async () => {
    const response = await test.app.inject({
      method: 'GET',
      url: '/private',
      headers: { origin: 'https://evil.example', cookie },
    })
    expect(response.statusCode).toBe(200)
  })
})
