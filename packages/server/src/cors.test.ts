import { OptionsError } from '@shipshape/errors'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from '../test/test-server.ts'
import { createServer } from './create-server.ts'

describe('CORS', () => {
  let server: TestServer
  let closed: TestServer
  beforeAll(async () => {
    server = await createTestServer({ cors: { origins: ['https://app.example.com'] } })
    server.app.get('/items', async () => [])
    closed = await createTestServer()
    closed.app.get('/items', async () => [])
  })
  afterAll(async () => {
    await server.app.close()
    await closed.app.close()
  })

  it('refuses a wildcard or malformed origin at startup', async () => {
    const wildcard = createServer({ name: 't', cors: { origins: ['*'] } })
    await expect(wildcard).rejects.toBeInstanceOf(OptionsError)
    await expect(wildcard).rejects.toMatchObject({ code: 'SHIPSHAPE_SERVER_CORS_ORIGIN_INVALID' })
    await expect(createServer({ name: 't', cors: { origins: ['https://*.example.com'] } })).rejects.toThrow(
      /wildcard/,
    )
    await expect(
      createServer({ name: 't', cors: { origins: ['https://app.example.com/'] } }),
    ).rejects.toThrow(/not an origin/)
  })

  it('allows a listed origin with credentials', async () => {
    const response = await server.app.inject({
      url: '/items',
      headers: { origin: 'https://app.example.com' },
    })
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com')
    expect(response.headers['access-control-allow-credentials']).toBe('true')
  })

  it('gives an unlisted origin no CORS headers', async () => {
    for (const origin of ['https://evil.example.com', 'https://app.example.com.evil.com', 'null']) {
      const response = await server.app.inject({ url: '/items', headers: { origin } })
      expect(response.headers['access-control-allow-origin']).toBeUndefined()
      expect(response.headers['access-control-allow-credentials']).toBeUndefined()
    }
  })

  it('answers a preflight from a listed origin only', async () => {
    const preflight = (origin: string) =>
      server.app.inject({
        method: 'OPTIONS',
        url: '/items',
        headers: { origin, 'access-control-request-method': 'POST' },
      })
    const allowed = await preflight('https://app.example.com')
    expect(allowed.statusCode).toBe(204)
    expect(allowed.headers['access-control-allow-methods']).toContain('POST')
    expect(
      (await preflight('https://evil.example.com')).headers['access-control-allow-origin'],
    ).toBeUndefined()
  })

  it('sends no CORS headers at all when no origin is configured', async () => {
    const response = await closed.app.inject({
      url: '/items',
      headers: { origin: 'https://app.example.com' },
    })
    expect(response.headers['access-control-allow-origin']).toBeUndefined()
  })
})
