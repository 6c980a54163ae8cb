import { createServer } from '@shipshape/server'
import type { TestDatabase } from '@shipshape/testing'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthDatabase, JWT_SECRET, ORIGIN } from '../test/auth-app.ts'
import { authPlugin } from './index.ts'
import { cheapArgon2Params } from './testing/index.ts'

describe('Cache-Control: no-store on every /auth response, whoever answers it', () => {
  let database: TestDatabase
  let app: FastifyInstance
  beforeAll(async () => {
    database = await createAuthDatabase()
    // The server's rate limit and CORS are on: they answer some /auth requests before any auth hook runs.
    app = await createServer({
      name: 'auth-no-store',
      logger: { level: 'silent' },
      rateLimit: { max: 3 },
      cors: { origins: [ORIGIN] },
      underPressure: false,
    })
    await app.register(authPlugin, {
      db: database.db,
      jwtSecret: JWT_SECRET,
      issuer: 'https://auth.example.test',
      audience: 'shipshape-test',
      allowedOrigins: [ORIGIN],
      testArgon2Params: cheapArgon2Params,
    })
    app.get('/public', async () => ({ ok: true }))
    await app.ready()
  })
  afterAll(async () => {
    await app.close()
    await database.destroy()
  })

  const json = { origin: ORIGIN, 'content-type': 'application/json' }
  const send = (options: InjectOptions, remoteAddress: string) => app.inject({ ...options, remoteAddress })

  it('on answers from auth routes, the router, the body parser, CORS and the server rate limit', async () => {
    const cases: [string, Promise<LightMyRequestResponse>, number][] = [
      ['me without a session', send({ url: '/auth/me' }, '10.0.0.1'), 401],
      ['no route under /auth', send({ url: '/auth/nothing-here' }, '10.0.0.2'), 404],
      ['bare /auth', send({ url: '/auth' }, '10.0.0.3'), 404],
      ['bad percent-encoding', send({ url: '/auth/%E0%A4%A' }, '10.0.0.4'), 400],
      [
        'malformed JSON',
        send({ method: 'POST', url: '/auth/login', headers: json, payload: '{' }, '10.0.0.5'),
        400,
      ],
      [
        'body over the limit',
        send(
          {
            method: 'POST',
            url: '/auth/login',
            headers: json,
            payload: JSON.stringify({ email: 'x'.repeat(20_000) }),
          },
          '10.0.0.6',
        ),
        413,
      ],
      [
        'wrong content type',
        send(
          {
            method: 'POST',
            url: '/auth/login',
            headers: { origin: ORIGIN, 'content-type': 'text/plain' },
            payload: 'x',
          },
          '10.0.0.7',
        ),
        415,
      ],
      [
        'cross-site',
        send(
          {
            method: 'POST',
            url: '/auth/login',
            headers: { ...json, origin: 'https://evil.test' },
            payload: '{}',
          },
          '10.0.0.8',
        ),
        403,
      ],
      [
        'CORS preflight',
        send(
          {
            method: 'OPTIONS',
            url: '/auth/login',
            headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
          },
          '10.0.0.9',
        ),
        204,
      ],
    ]
    const seen = []
    for (const [name, pending] of cases) {
      const response = await pending
      seen.push([name, response.statusCode, response.headers['cache-control']])
    }
    expect(seen).toEqual(cases.map(([name, , status]) => [name, status, 'no-store']))
  })

  it('on the server rate limit 429', async () => {
    const statuses: number[] = []
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await send({ url: '/auth/me' }, '10.0.1.1')
      statuses.push(response.statusCode)
      expect(response.headers['cache-control']).toBe('no-store')
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429])
  })

  it('and nowhere else', async () => {
    for (const url of ['/public', '/authors', '/public/auth', '/nowhere']) {
      const response = await send({ url }, '10.0.2.1')
      expect([url, response.headers['cache-control']]).toEqual([url, undefined])
    }
  })
})
