import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { App, UnderPressureOptions } from '@shipshape/server'
import { afterAll, describe, expect, it } from 'vitest'
import { getFreePort } from './free-port.ts'
import {
  createOpenApiResponseChecker,
  listDocumentedResponses,
  type OpenApiDocument,
  watchOpenApiConformance,
} from './openapi.ts'
import { startTcpProxy } from './tcp-proxy.ts'

// Every (operation, status) pair /openapi.json documents is produced, for real, and its body checked against
// the documented schema; the last test fails naming any pair nobody produced. The answers the building
// blocks give on any route (429, 403 csrf_failed, 415, 413, 408, 503) are provoked here on every operation
// whose document lists them, so a route a service adds is covered for those at once; its own answers (2xx,
// 400, 401, 404, 409, 422) come from the service's `ownAnswers`, and the last test names them until they do.

export type CoverageMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE'
export type CoverageRequest = { headers?: Record<string, string>; payload?: unknown; body?: string }
export type CoverageAnswer = { statusCode: number }
/** What `app.inject` resolves with, as far as a coverage case reads it. */
export type CoverageResponse = CoverageAnswer & {
  body: string
  json(): unknown
  cookies: { name: string; value: string }[]
}
/** Sends one request through `app.inject` (or `on`'s), from a client address of its own. */
export type CoverageSend = (
  method: CoverageMethod,
  url: string,
  request?: CoverageRequest,
  on?: App,
) => Promise<CoverageResponse>

/** One documented operation, its path parameters filled in so a request reaches the part under test. */
export type CoverageOperation = {
  method: CoverageMethod
  /** As the document names it: `/items/{id}`. */
  path: string
  url: string
  statuses: string[]
  /** `METHOD /path`. */
  name: string
}

export type OpenApiCoverageOptions = {
  /**
   * The service in-process, ready, with a rate limit of one request per client address, Node's header
   * timeout short enough for a late request's 408 in about a second, and every documented answer it gives
   * collected into `observed` (`watchOpenApiConformance(app, { observed })`).
   */
  app: App
  observed: Set<string>
  /**
   * The same service, configured as in production (load shedding on unless `underPressure` says otherwise),
   * on a database at `databaseUrl`: built, not ready. The suite checks its answers against its document,
   * readies and closes it.
   */
  build: (options: { databaseUrl: string; underPressure?: UnderPressureOptions }) => Promise<App>
}

export type OpenApiCoverage = {
  send: CoverageSend
  /** The document as production publishes it, load shedding's 503s included. */
  document: OpenApiDocument
}

export type OpenApiCoverageSuite = {
  /** Headers of a signed-in user: the answers every operation gives are provoked with them. */
  headers: Record<string, string>
  /** A value for each path parameter (`{ id: existingId, source: 'partner' }`). */
  pathParameters: Record<string, string>
  /**
   * A request to `operation` that reaches the database (or the load check before it): a valid body, a signed
   * delivery. Without a database, it must answer 503.
   */
  reachDatabase: (operation: CoverageOperation) => CoverageRequest
  /**
   * Each route's own answers: `METHOD /path status` → a request that produces it (`/healthz` and `/readyz`,
   * @shipshape/server's, are the suite's; auth's and webhooks' come from their `/testing`).
   */
  ownAnswers: Record<string, () => Promise<CoverageAnswer>>
  /** Documented pairs this run cannot produce (and says so): they are left out of `ownAnswers`' tests. */
  unproducible?: readonly string[]
  /** Cases the suite must have found (`POST /items 413`): proof that the operations were read at all. */
  expectedCases?: readonly string[]
}

type Internals = {
  app: App
  observed: Set<string>
  nextAddress: () => string
  /** The service on the refusing database: as built first, or with load shedding of its own. */
  sideApp: (underPressure?: UnderPressureOptions) => Promise<App>
}
const internals = new WeakMap<OpenApiCoverage, Internals>()

/**
 * Starts the coverage: a database that refuses every connection behind a loopback proxy, and the service
 * built on it (what it answers when PostgreSQL is down), whose document is the one to cover. Call it at the
 * top level of the test file, then `describeOpenApiCoverage`.
 */
export async function startOpenApiCoverage(options: OpenApiCoverageOptions): Promise<OpenApiCoverage> {
  const { app, observed } = options
  const refusing = await startTcpProxy({ host: '127.0.0.1', port: await getFreePort() })
  refusing.setMode('refuse')
  afterAll(() => refusing.close())
  const databaseUrl = refusing.wrapUrl('postgres://shipshape:unused@127.0.0.1:5432/unreachable')
  const buildSideApp = async (underPressure?: UnderPressureOptions) => {
    const built = await options.build({ databaseUrl, underPressure })
    const found = watchOpenApiConformance(built, { observed })
    afterAll(async () => {
      await built.close()
      expect(found, 'responses that differ from /openapi.json').toEqual([])
    })
    await built.ready()
    return built
  }
  const databaseDown = await buildSideApp()
  // A client address per request: with a limit of one request per address, only the 429 case repeats one.
  let addresses = 0
  const nextAddress = () => `10.0.${Math.floor(++addresses / 250)}.${addresses % 250}`
  const send: CoverageSend = (method, url, request = {}, on = app) =>
    on.inject({
      method,
      url,
      remoteAddress: nextAddress(),
      headers: request.headers ?? {},
      ...(request.payload === undefined ? {} : { payload: request.payload as object }),
      ...(request.body === undefined ? {} : { body: request.body }),
    })
  // The in-process app runs without load shedding, so its own document leaves out the 503s.
  const coverage: OpenApiCoverage = { send, document: databaseDown.swagger() as OpenApiDocument }
  internals.set(coverage, {
    app,
    observed,
    nextAddress,
    sideApp: async (underPressure) =>
      underPressure === undefined ? databaseDown : buildSideApp(underPressure),
  })
  return coverage
}

/**
 * Sends the request line and then one header line every 200 ms, never finishing: the server's headers
 * timeout answers 408 on the raw socket, outside Fastify's hooks, so the caller checks the answer.
 */
async function readLateAnswer({ method, url }: CoverageOperation, port: number): Promise<string> {
  return new Promise<string>((resolve) => {
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
}

/** Registers the coverage tests: the building blocks' answers on every operation, the routes' own, the sum. */
export function describeOpenApiCoverage(coverage: OpenApiCoverage, suite: OpenApiCoverageSuite): void {
  const own = internals.get(coverage)
  if (own === undefined) throw new Error('describeOpenApiCoverage takes what startOpenApiCoverage returned')
  const { app, observed, nextAddress, sideApp } = own
  const { send, document } = coverage
  const { headers: signedIn } = suite
  const unproducible = suite.unproducible ?? []
  const documented = listDocumentedResponses(document)
  const checkAnswer = createOpenApiResponseChecker(document)
  const violations: string[] = []

  const fill = (path: string) =>
    path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = suite.pathParameters[name]
      if (value === undefined) throw new Error(`no value for the path parameter {${name}} of ${path}`)
      return value
    })
  const operations: CoverageOperation[] = Object.entries(document.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase() as CoverageMethod,
      path,
      url: fill(path),
      statuses: Object.keys(operation.responses ?? {}),
      name: `${method.toUpperCase()} ${path}`,
    })),
  )

  async function provokeTimeout(operation: CoverageOperation, port: number): Promise<CoverageAnswer> {
    const { method, path } = operation
    const text = await readLateAnswer(operation, port)
    const statusCode = Number(/^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1] ?? 0)
    const headEnd = text.indexOf('\r\n\r\n')
    const contentType = /\r\ncontent-type: ([^\r]*)/i.exec(text.slice(0, headEnd))?.[1] ?? ''
    const violation = checkAnswer(method, path, statusCode, contentType, text.slice(headEnd + 4))
    if (violation !== undefined) violations.push(violation)
    else if (statusCode === 408) observed.add(`${method} ${path} 408`)
    return { statusCode }
  }

  // The same service with a heap limit it always exceeds: @fastify/under-pressure sheds every request it may.
  let shedding: Promise<App> | undefined
  async function provokeLoadShedding(operation: CoverageOperation): Promise<CoverageAnswer> {
    shedding ??= sideApp({ maxHeapUsedBytes: 1 })
    const target = await shedding
    for (let attempt = 0; attempt < 40; attempt++) {
      const answer = await send(operation.method, operation.url, suite.reachDatabase(operation), target)
      if (answer.statusCode === 503) return answer
      await sleep(100)
    }
    return { statusCode: 0 }
  }

  type Provoke = (operation: CoverageOperation) => Promise<CoverageAnswer>
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
    // does not touch the database answers 503 only when the server sheds load.
    503: async (operation) => {
      const databaseDown = await sideApp()
      const answer = await send(operation.method, operation.url, suite.reachDatabase(operation), databaseDown)
      return answer.statusCode === 503 ? answer : provokeLoadShedding(operation)
    },
  }

  const cases = operations.flatMap((operation) =>
    operation.statuses.filter((status) => status in provokers).map((status) => ({ ...operation, status })),
  )

  describe('every operation gives the building blocks’ answers its document lists', () => {
    if (suite.expectedCases !== undefined) {
      const expectedCases = suite.expectedCases
      it('has cases for the sample resource', () => {
        expect(cases.map((c) => `${c.name} ${c.status}`)).toEqual(expect.arrayContaining([...expectedCases]))
      })
    }

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

  // The routes @shipshape/server adds to every service, then the service's own.
  const ownAnswers: Record<string, () => Promise<CoverageAnswer>> = {
    'GET /healthz 200': () => send('GET', '/healthz'),
    'GET /readyz 200': () => send('GET', '/readyz'),
    ...suite.ownAnswers,
  }

  describe('every route gives its own documented answers', () => {
    it.each(Object.keys(ownAnswers).filter((pair) => !unproducible.includes(pair)))('%s', async (pair) => {
      const answer = await ownAnswers[pair]?.()
      expect(answer?.statusCode).toBe(Number(pair.split(' ').at(-1)))
    })
  })

  describe('the document and the behaviour agree', () => {
    it('every documented (operation, status) was produced, with a body matching its schema', () => {
      const unseen = documented.filter((pair) => !observed.has(pair))
      expect(unseen, `documented but never produced (${documented.length} documented)`).toEqual([
        ...unproducible,
      ])
    })
  })
}
