import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hang, startUpstream } from '../test/upstream.ts'
import { createClient } from './client.ts'
import { OutboundUnavailableError } from './errors.ts'

// @shipshape/server's createServer is not published yet; this handler renders the error's problem the way
// its problem+json handler does (and that handler already maps any `statusCode: 503` error to `unavailable`).
let upstream: Awaited<ReturnType<typeof startUpstream>>
const app = Fastify()

beforeAll(async () => {
  upstream = await startUpstream(hang)
  const inventory = createClient({
    name: 'inventory',
    baseUrl: upstream.url,
    timeoutMs: 150,
    retry: { maxAttempts: 1 },
    breaker: { threshold: 2, halfOpenAfterMs: 60_000 },
  })
  app.setErrorHandler((error, request, reply) => {
    if (!(error instanceof OutboundUnavailableError)) return reply.code(500).send({ code: 'internal_error' })
    return reply
      .code(error.problem.status)
      .type('application/problem+json')
      .send({ type: 'about:blank', ...error.problem, requestId: request.id })
  })
  app.get('/stock', async () => (await inventory.request({ method: 'GET', path: '/stock' })).body)
  await app.listen({ host: '127.0.0.1', port: 0 })
})

afterAll(async () => {
  await app.close()
  await upstream?.close()
})

describe('a route that calls a hanging dependency', () => {
  it('answers 503 problem+json, and once the breaker is open fails fast without calling it', async () => {
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
    for (let call = 0; call < 2; call += 1) expect((await fetch(`${base}/stock`)).status).toBe(503)
    expect(upstream.state.hits).toBe(2)

    const response = await fetch(`${base}/stock`)
    expect(response.status).toBe(503)
    expect(response.headers.get('content-type')).toContain('application/problem+json')
    const body = await response.json()
    expect(body).toMatchObject({ status: 503, code: 'unavailable', requestId: expect.any(String) })
    expect(JSON.stringify(body)).not.toContain('127.0.0.1')
    expect(upstream.state.hits).toBe(2)
  })
})
