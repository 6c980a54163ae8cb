import { request } from 'node:http'
import { OptionsError } from '@shipshape/errors'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, expectProblem, parseJson, type TestServer } from '../test/test-server.ts'
import { createServer } from './create-server.ts'

function postOverSocket(
  url: string,
  body: string,
): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${url}/echo`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          text += chunk
        })
        response.on('end', () =>
          resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, body: text }),
        )
      },
    )
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

describe('server limits', () => {
  let server: TestServer
  let url: string
  beforeAll(async () => {
    server = await createTestServer({ bodyLimit: 1024, requestTimeoutMs: 12_345 })
    server.app.post('/echo', async (incoming) => incoming.body)
    server.app.get('/ip', async (incoming) => ({ ip: incoming.ip }))
    url = await server.app.listen({ port: 0, host: '127.0.0.1' })
  })
  afterAll(() => server.app.close())

  it('answers a body over bodyLimit with 413 problem+json, injected and over a socket', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(2048) })
    const injected = await server.app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: big,
    })
    expectProblem(injected, 413, 'payload_too_large')
    expectProblem(await postOverSocket(url, big), 413, 'payload_too_large')
    expect((await postOverSocket(url, JSON.stringify({ text: 'small' }))).statusCode).toBe(200)
  })

  it('sets the request timeout on the Node server, with a non-zero default', async () => {
    expect(server.app.server.requestTimeout).toBe(12_345)
    const defaults = await createServer({ name: 'defaults', logger: { level: 'silent' } })
    await defaults.ready()
    expect(defaults.server.requestTimeout).toBe(30_000)
    expect(defaults.initialConfig.bodyLimit).toBe(64 * 1024)
    await defaults.close()
  })

  it('uses the socket address as request.ip when no proxy is trusted', async () => {
    const response = await server.app.inject({
      url: '/ip',
      remoteAddress: '198.51.100.4',
      headers: { 'x-forwarded-for': '1.2.3.4' },
    })
    expect(parseJson(response.body)).toEqual({ ip: '198.51.100.4' })
  })

  it('refuses nonsensical limits at startup', async () => {
    const zero = createServer({ name: 't', bodyLimit: 0 })
    await expect(zero).rejects.toBeInstanceOf(OptionsError)
    await expect(zero).rejects.toMatchObject({ code: 'SHIPSHAPE_SERVER_LIMIT_INVALID' })
    await expect(createServer({ name: 't', requestTimeoutMs: -1 })).rejects.toThrow(/requestTimeoutMs/)
  })
})

describe('load shedding', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer({ underPressure: { maxHeapUsedBytes: 1 } })
    server.app.get('/items', async () => [])
  })
  afterAll(() => server.app.close())

  it('sheds requests with 503 unavailable and Retry-After once a threshold is crossed, but never liveness', async () => {
    let response = await server.app.inject({ url: '/items' })
    const deadline = Date.now() + 15_000
    while (response.statusCode === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      response = await server.app.inject({ url: '/items' })
    }
    expectProblem(response, 503, 'unavailable')
    expect(response.headers['retry-after']).toBe('10')
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect((await server.app.inject({ url: '/healthz' })).statusCode).toBe(200)
    expectProblem(await server.app.inject({ url: '/readyz' }), 503, 'unavailable')
  })
})

/** Answers each request after `busyMs` of synchronous work: a loop that is always busy while load lasts. */
function busyRoute(server: TestServer, busyMs: number): void {
  server.app.get('/busy', async () => {
    const until = performance.now() + busyMs
    while (performance.now() < until);
    return { ok: true }
  })
}

/** `connections` clients, each sending its next request when the last is answered, for `ms`. */
async function closedLoop(url: string, connections: number, ms: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>()
  const deadline = Date.now() + ms
  const client = async () => {
    while (Date.now() < deadline) {
      const response = await fetch(url)
      await response.arrayBuffer()
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
    }
  }
  await Promise.all(Array.from({ length: connections }, client))
  return statuses
}

describe('load shedding under steady load', () => {
  let server: TestServer
  afterEach(() => server.app.close())

  it('keeps serving a loop that is fully used but not behind: the defaults shed on delay, not on utilisation', async () => {
    server = await createTestServer({ underPressure: {} })
    busyRoute(server, 2)
    const url = await server.app.listen({ host: '127.0.0.1', port: 0 })
    // Three sample intervals of a loop at ~100 % utilisation, with requests waiting a few ms at most.
    const statuses = await closedLoop(`${url}/busy`, 4, 4_500)
    expect(statuses.get(503) ?? 0).toBe(0)
    expect(statuses.get(200)).toBeGreaterThan(500)
  })

  it('measures a utilisation threshold over the last sample, not since the start', async () => {
    server = await createTestServer({ underPressure: { maxEventLoopUtilization: 0.5 } })
    busyRoute(server, 2)
    const url = await server.app.listen({ host: '127.0.0.1', port: 0 })
    const busy = await closedLoop(`${url}/busy`, 4, 3_000)
    expect(busy.get(503)).toBeGreaterThan(0)
    // One idle sample later, the loop is free again and the next request is served.
    await new Promise((resolve) => setTimeout(resolve, 2_100))
    const response = await fetch(`${url}/busy`)
    expect(response.status).toBe(200)
  })
})
