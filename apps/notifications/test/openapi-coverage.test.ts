import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { OpenApiDocument } from '@shipshape/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { cheapArgon2, origin, password, setupService } from './setup.ts'

// The answers the building blocks give on any route (rate limit, Origin check, JSON-only bodies, body
// limit), provoked on every operation whose document lists them: a route you add is covered as soon as it
// is documented. What only a route knows (its 2xx, 400, 401, 404, 409, 422) is provoked by that route's own
// tests; setup.ts checks every response of every file against the document.
const { app } = await setupService({ auth: { testArgon2Params: cheapArgon2 }, env: { RATE_LIMIT_MAX: '1' } })

// A client address per request: with a limit of one request per address, only the 429 case repeats one.
let addresses = 0
const nextAddress = () => `10.0.${Math.floor(++addresses / 250)}.${addresses % 250}`

const signUp = await app.inject({
  method: 'POST',
  url: '/auth/signup',
  remoteAddress: nextAddress(),
  headers: { origin },
  payload: { email: `${randomUUID()}@example.com`, password },
})
const cookie = signUp.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
const document = (
  await app.inject({ method: 'GET', url: '/openapi.json', remoteAddress: nextAddress() })
).json()
const operations = Object.entries((document as OpenApiDocument).paths ?? {}).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    method: method.toUpperCase() as 'GET',
    // Path parameters get values the routes accept, so the request reaches the part under test.
    url: path.replace('{id}', randomUUID()).replace('{source}', 'partner'),
    statuses: Object.keys(operation.responses ?? {}),
    name: `${method.toUpperCase()} ${path}`,
  })),
)
const signedIn = { cookie, origin }

type Provoke = (operation: (typeof operations)[number]) => Promise<{ statusCode: number }>
const provokers: Record<string, Provoke> = {
  // The limit is per address across routes: a harmless request spends it (a first logout would end the
  // session the other cases use).
  429: async ({ method, url }) => {
    const remoteAddress = nextAddress()
    await app.inject({ method: 'GET', url: '/openapi.json', remoteAddress })
    return app.inject({ method, url, remoteAddress, headers: signedIn })
  },
  403: ({ method, url }) =>
    app.inject({
      method,
      url,
      remoteAddress: nextAddress(),
      headers: { cookie, origin: 'https://attacker.example' },
    }),
  415: ({ method, url }) =>
    app.inject({
      method,
      url,
      remoteAddress: nextAddress(),
      headers: { ...signedIn, 'content-type': 'text/plain' },
      body: 'name=x',
    }),
  413: ({ method, url }) =>
    app.inject({
      method,
      url,
      remoteAddress: nextAddress(),
      headers: signedIn,
      // Over every route's limit: 64 KiB by default, 16 KiB on /auth, 1 MiB on webhooks.
      payload: { name: 'x', description: 'x'.repeat(1_100_000) },
    }),
}

const cases = operations.flatMap((operation) =>
  operation.statuses.filter((status) => status in provokers).map((status) => ({ ...operation, status })),
)

describe('every operation gives the building blocks’ answers its document lists', () => {
  // Back-to-back in-process requests keep the event loop busy, and load shedding (event-loop utilisation
  // over 0.98) would answer 503: a breath between cases keeps this about the answer under test.
  beforeEach(() => sleep(25))

  it('has cases for the sample resource', () => {
    expect(cases.map((c) => `${c.name} ${c.status}`)).toEqual(
      expect.arrayContaining([
        'POST /preferences 413',
        'POST /preferences 415',
        'PATCH /preferences/{id} 403',
        'GET /preferences 429',
      ]),
    )
  })

  it.each(cases)('$name → $status', async (operation) => {
    const provoke = provokers[operation.status]
    if (provoke === undefined) throw new Error(`no way to provoke ${operation.status}`)
    expect((await provoke(operation)).statusCode).toBe(Number(operation.status))
  })
})
