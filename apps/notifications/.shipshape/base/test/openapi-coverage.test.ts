import { randomUUID } from 'node:crypto'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { createDatabase } from '@shipshape/db'
import type { App } from '@shipshape/server'
import {
  createOpenApiResponseChecker,
  getFreePort,
  listDocumentedResponses,
  type OpenApiDocument,
  startTcpProxy,
  watchOpenApiConformance,
} from '@shipshape/testing'
import { signStandardWebhook } from '@shipshape/webhooks'
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { type BuildOptions, buildApp } from '../src/app.ts'
import * as schema from '../src/db/schema.ts'
import { cheapArgon2, getTestConfig, origin, password, setupService, webhookSecret } from './setup.ts'

// Every (operation, status) pair /openapi.json documents is produced here, for real, and its body checked
// against the documented schema; the last test fails naming any pair nobody produced. The answers the
// building blocks give on any route (429, 403 csrf_failed, 415, 413, 408, 503) are provoked on every
// operation whose document lists them, so a route you add is covered for those at once; its own answers
// (2xx, 400, 401, 404, 409, 422) need a line in `ownAnswers` below, and the last test names them until
// they have one.
const env = { RATE_LIMIT_MAX: '1', JWT_SECRET: `jwt-${randomUUID()}-${randomUUID()}` }
const observed = new Set<string>()
const { app, database } = await setupService({
  auth: { testArgon2Params: cheapArgon2 },
  env,
  observed,
  // Node's own limits, short enough that a late request gets its 408 in about a second.
  limits: { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 },
})
const violations: string[] = []

/**
 * The same service, configured as in production (load shedding on), on a database that refuses every
 * connection: what it answers when PostgreSQL is down.
 */
async function buildSideApp(options: { url: string; underPressure?: BuildOptions['underPressure'] }) {
  const side = await createDatabase({ url: options.url, schema, pool: { connectionTimeoutMs: 500 } })
  const built = await buildApp(getTestConfig(env), side, {
    logger: { level: 'silent' },
    auth: { testArgon2Params: cheapArgon2 },
    underPressure: options.underPressure,
  })
  const found = watchOpenApiConformance(built, { observed })
  afterAll(async () => {
    await built.close()
    expect(found, 'responses that differ from /openapi.json').toEqual([])
  })
  await built.ready()
  return built
}
const refusing = await startTcpProxy({ host: '127.0.0.1', port: await getFreePort() })
refusing.setMode('refuse')
afterAll(() => refusing.close())
const databaseDown = await buildSideApp({
  url: refusing.wrapUrl('postgres://shipshape:unused@127.0.0.1:5432/unreachable'),
})
// The document as production publishes it (the in-process app above runs without load shedding, so its
// own document leaves out the 503s): every pair in it must be produced below.
const document = databaseDown.swagger() as OpenApiDocument
const documented = listDocumentedResponses(document)
const checkAnswer = createOpenApiResponseChecker(document)

// A client address per request: with a limit of one request per address, only the 429 case repeats one.
let addresses = 0
const nextAddress = () => `10.0.${Math.floor(++addresses / 250)}.${addresses % 250}`
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'
type Request = { headers?: Record<string, string>; payload?: unknown; body?: string }
const send = (method: Method, url: string, request: Request = {}, on: App = app) =>
  on.inject({
    method,
    url,
    remoteAddress: nextAddress(),
    headers: request.headers ?? {},
    ...(request.payload === undefined ? {} : { payload: request.payload as object }),
    ...(request.body === undefined ? {} : { body: request.body }),
  })

async function signUp(email = `${randomUUID()}@example.com`) {
  const response = await send('POST', '/auth/signup', { headers: { origin }, payload: { email, password } })
  const cookie = response.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
  return { email, headers: { cookie, origin }, statusCode: response.statusCode }
}
const alice = await signUp()
const signedIn = alice.headers
const created = await send('POST', '/preferences', { headers: signedIn, payload: { name: 'first' } })
const existing = (created.json() as { id: string }).id
const missing = randomUUID()

function signedDelivery(body: string) {
  const id = `msg_${randomUUID()}`
  const timestamp = Math.floor(Date.now() / 1000)
  const signature = signStandardWebhook({ id, timestampSeconds: timestamp, body, secret: webhookSecret })
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature,
  }
}

// Each route's own answers: `METHOD /path status` → a request that produces it.
const delivery = JSON.stringify({ type: 'coverage', data: {} })
const ownAnswers: Record<string, () => Promise<{ statusCode: number }>> = {
  'GET /healthz 200': () => send('GET', '/healthz'),
  'GET /readyz 200': () => send('GET', '/readyz'),
  'POST /auth/signup 201': () => signUp(),
  'POST /auth/signup 400': () =>
    send('POST', '/auth/signup', { headers: { origin }, payload: { email: 'not an email', password } }),
  'POST /auth/signup 409': () =>
    send('POST', '/auth/signup', { headers: { origin }, payload: { email: alice.email, password } }),
  'POST /auth/login 200': () =>
    send('POST', '/auth/login', { headers: { origin }, payload: { email: alice.email, password } }),
  'POST /auth/login 400': () => send('POST', '/auth/login', { headers: { origin }, payload: {} }),
  'POST /auth/login 401': () =>
    send('POST', '/auth/login', {
      headers: { origin },
      payload: { email: `${randomUUID()}@example.com`, password },
    }),
  'POST /auth/refresh 200': async () => send('POST', '/auth/refresh', { headers: (await signUp()).headers }),
  'POST /auth/refresh 401': () => send('POST', '/auth/refresh', { headers: { origin } }),
  'POST /auth/logout 204': async () => send('POST', '/auth/logout', { headers: (await signUp()).headers }),
  'GET /auth/me 200': () => send('GET', '/auth/me', { headers: signedIn }),
  'GET /auth/me 401': () => send('GET', '/auth/me'),
  'POST /auth/password 204': async () => {
    const user = await signUp()
    const next = `${password} and more`
    return send('POST', '/auth/password', {
      headers: user.headers,
      payload: { currentPassword: password, newPassword: next },
    })
  },
  'POST /auth/password 400': () => send('POST', '/auth/password', { headers: signedIn, payload: {} }),
  'POST /auth/password 401': () =>
    send('POST', '/auth/password', {
      headers: { origin },
      payload: { currentPassword: password, newPassword: `${password} again` },
    }),
  'POST /webhooks/{source} 200': () =>
    send('POST', '/webhooks/partner', { headers: signedDelivery(delivery), body: delivery }),
  'POST /webhooks/{source} 400': () =>
    send('POST', '/webhooks/partner', { headers: signedDelivery('not json'), body: 'not json' }),
  'POST /webhooks/{source} 401': () =>
    send('POST', '/webhooks/partner', {
      headers: { ...signedDelivery(delivery), 'webhook-signature': 'v1,AAAA' },
      body: delivery,
    }),
  'POST /webhooks/{source} 404': () =>
    send('POST', '/webhooks/nobody', { headers: signedDelivery(delivery), body: delivery }),
  'POST /preferences 201': () => send('POST', '/preferences', { headers: signedIn, payload: { name: 'x' } }),
  'POST /preferences 400': () => send('POST', '/preferences', { headers: signedIn, payload: { name: '' } }),
  'POST /preferences 401': () => send('POST', '/preferences', { payload: { name: 'x' } }),
  'POST /preferences 422': async () => {
    const headers = { ...signedIn, 'idempotency-key': randomUUID() }
    await send('POST', '/preferences', { headers, payload: { name: 'one' } })
    return send('POST', '/preferences', { headers, payload: { name: 'another' } })
  },
  'POST /preferences 409': () => provokeInProgress(),
  'GET /preferences 200': () => send('GET', '/preferences', { headers: signedIn }),
  'GET /preferences 400': () => send('GET', '/preferences?limit=0', { headers: signedIn }),
  'GET /preferences 401': () => send('GET', '/preferences'),
  'GET /preferences/{id} 200': () => send('GET', `/preferences/${existing}`, { headers: signedIn }),
  'GET /preferences/{id} 400': () => send('GET', '/preferences/not-a-uuid', { headers: signedIn }),
  'GET /preferences/{id} 401': () => send('GET', `/preferences/${existing}`),
  'GET /preferences/{id} 404': () => send('GET', `/preferences/${missing}`, { headers: signedIn }),
  'PATCH /preferences/{id} 200': () =>
    send('PATCH', `/preferences/${existing}`, { headers: signedIn, payload: { name: 'renamed' } }),
  'PATCH /preferences/{id} 400': () =>
    send('PATCH', `/preferences/${existing}`, { headers: signedIn, payload: { name: '' } }),
  'PATCH /preferences/{id} 401': () => send('PATCH', `/preferences/${existing}`, { payload: { name: 'x' } }),
  'PATCH /preferences/{id} 404': () =>
    send('PATCH', `/preferences/${missing}`, { headers: signedIn, payload: { name: 'x' } }),
  'DELETE /preferences/{id} 204': async () => {
    const doomed = await send('POST', '/preferences', { headers: signedIn, payload: { name: 'doomed' } })
    return send('DELETE', `/preferences/${(doomed.json() as { id: string }).id}`, { headers: signedIn })
  },
  'DELETE /preferences/{id} 400': () => send('DELETE', '/preferences/not-a-uuid', { headers: signedIn }),
  'DELETE /preferences/{id} 401': () => send('DELETE', `/preferences/${existing}`, { headers: { origin } }),
  'DELETE /preferences/{id} 404': () => send('DELETE', `/preferences/${missing}`, { headers: signedIn }),
}

/**
 * 409 `idempotency_in_progress`: the key's first request still holds it. On PostgreSQL a second connection
 * holds the key's lock, as another instance mid-request does; the embedded database has one connection,
 * so its requests queue and never overlap: there the answer cannot happen, and the last test says so.
 */
async function provokeInProgress() {
  if (database.url === undefined) return { statusCode: 0 }
  const other = await createDatabase({ url: database.url, schema, pool: { max: 1 } })
  try {
    const key = randomUUID()
    const me = (await send('GET', '/auth/me', { headers: signedIn })).json() as { id: string }
    return await other.db.transaction(async (tx) => {
      await tx.execute(
        sql`select pg_advisory_xact_lock(hashtextextended(${`user:${me.id}`} || chr(31) || ${key}, 0))`,
      )
      return send('POST', '/preferences', {
        headers: { ...signedIn, 'idempotency-key': key },
        payload: { name: 'x' },
      })
    })
  } finally {
    await other.close()
  }
}
/** The documented pairs the embedded database cannot produce (see provokeInProgress). */
const postgresOnly = database.url === undefined ? ['POST /preferences 409'] : []

const operations = Object.entries(document.paths ?? {}).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    method: method.toUpperCase() as Method,
    path,
    // Path parameters get values the routes accept, so the request reaches the part under test.
    url: path.replace('{id}', existing).replace('{source}', 'partner'),
    statuses: Object.keys(operation.responses ?? {}),
    name: `${method.toUpperCase()} ${path}`,
  })),
)
type Operation = (typeof operations)[number]

/**
 * Sends the request line and then one header line every 200 ms, never finishing: the server's headers
 * timeout answers 408 on the raw socket, outside Fastify's hooks, so the answer is checked here.
 */
async function provokeTimeout({ method, path, url }: Operation, port: number) {
  const text = await new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let received = ''
    let lines = 0
    const timer = setInterval(() => socket.writable && socket.write(`x-slow-${++lines}: 1\r\n`), 200)
    const finish = () => {
      clearInterval(timer)
      socket.destroy()
      resolve(received)
    }
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      received += chunk
    })
    socket.on('close', finish)
    socket.on('error', () => undefined)
    setTimeout(finish, 10_000).unref()
    socket.write(`${method} ${url} HTTP/1.1\r\nhost: 127.0.0.1\r\n`)
  })
  const statusCode = Number(/^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1] ?? 0)
  const headEnd = text.indexOf('\r\n\r\n')
  const contentType = /\r\ncontent-type: ([^\r]*)/i.exec(text.slice(0, headEnd))?.[1] ?? ''
  const violation = checkAnswer(method, path, statusCode, contentType, text.slice(headEnd + 4))
  if (violation !== undefined) violations.push(violation)
  else if (statusCode === 408) observed.add(`${method} ${path} 408`)
  return { statusCode }
}

type Provoke = (operation: Operation) => Promise<{ statusCode: number }>
const provokers: Record<string, Provoke> = {
  // The limit is per address across routes: a harmless request spends it (a first logout would end the
  // session the other cases use).
  429: async ({ method, url }) => {
    const remoteAddress = nextAddress()
    await app.inject({ method: 'GET', url: '/openapi.json', remoteAddress })
    return app.inject({ method, url, remoteAddress, headers: signedIn })
  },
  403: ({ method, url }) =>
    send(method, url, { headers: { ...signedIn, origin: 'https://attacker.example' } }),
  415: ({ method, url }) =>
    send(method, url, { headers: { ...signedIn, 'content-type': 'text/plain' }, body: 'name=x' }),
  // Over every route's limit: 64 KiB by default, 16 KiB on /auth, 1 MiB on webhooks.
  413: ({ method, url }) =>
    send(method, url, { headers: signedIn, payload: { name: 'x', description: 'x'.repeat(1_100_000) } }),
  // PostgreSQL is down: every route that needs it (and the readiness probe) answers 503 at once; one that
  // does not touch the database answers 503 only when the server sheds load, provoked below.
  503: async (operation) => {
    const answer = await provokeDatabaseDown(operation)
    return answer.statusCode === 503 ? answer : provokeLoadShedding(operation)
  },
}

async function provokeDatabaseDown({ method, url, path }: Operation) {
  const webhook = path.startsWith('/webhooks/')
  const request: Request = webhook
    ? { headers: signedDelivery(delivery), body: delivery }
    : { headers: signedIn, ...(method === 'POST' || method === 'PATCH' ? { payload: validBody(path) } : {}) }
  return send(method, url, request, databaseDown)
}

/** A body each route accepts, so the request reaches the database (or the load check before it). */
function validBody(path: string): unknown {
  if (path === '/auth/signup' || path === '/auth/login')
    return { email: `${randomUUID()}@example.com`, password }
  if (path === '/auth/password') return { currentPassword: password, newPassword: `${password} anew` }
  return { name: 'x' }
}

// The same service with a heap limit it always exceeds: @fastify/under-pressure sheds every request it may.
let sheddingApp: App | undefined
async function provokeLoadShedding({ method, url, path }: Operation) {
  sheddingApp ??= await buildSideApp({
    url: refusing.wrapUrl('postgres://shipshape:unused@127.0.0.1:5432/unreachable'),
    underPressure: { maxHeapUsedBytes: 1 },
  })
  const target = sheddingApp
  for (let attempt = 0; attempt < 40; attempt++) {
    const answer = await send(method, url, { headers: signedIn, payload: validBody(path) }, target)
    if (answer.statusCode === 503) return answer
    await sleep(100)
  }
  return { statusCode: 0 }
}

const cases = operations.flatMap((operation) =>
  operation.statuses.filter((status) => status in provokers).map((status) => ({ ...operation, status })),
)

describe('every operation gives the building blocks’ answers its document lists', () => {
  it('has cases for the sample resource', () => {
    expect(cases.map((c) => `${c.name} ${c.status}`)).toEqual(
      expect.arrayContaining([
        'POST /preferences 413',
        'POST /preferences 415',
        'PATCH /preferences/{id} 403',
        'GET /preferences 429',
        'GET /preferences 503',
      ]),
    )
  })

  it.each(cases)('$name → $status', async (operation) => {
    const provoke = provokers[operation.status]
    if (provoke === undefined) throw new Error(`no way to provoke ${operation.status}`)
    expect((await provoke(operation)).statusCode).toBe(Number(operation.status))
  })

  it('answers a request whose headers never finish with 408 on every operation', async () => {
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as { port: number }
    const timeouts = operations.filter((operation) => operation.statuses.includes('408'))
    const answers = await Promise.all(timeouts.map((operation) => provokeTimeout(operation, port)))
    expect(violations).toEqual([])
    expect(answers.map((answer) => answer.statusCode)).toEqual(timeouts.map(() => 408))
  })
})

describe('every route gives its own documented answers', () => {
  it.each(Object.keys(ownAnswers).filter((pair) => !postgresOnly.includes(pair)))('%s', async (pair) => {
    const answer = await ownAnswers[pair]?.()
    expect(answer?.statusCode).toBe(Number(pair.split(' ').at(-1)))
  })
})

describe('the document and the behaviour agree', () => {
  it('every documented (operation, status) was produced, with a body matching its schema', () => {
    const unseen = documented.filter((pair) => !observed.has(pair))
    expect(unseen, `documented but never produced (${documented.length} documented)`).toEqual(postgresOnly)
  })
})
