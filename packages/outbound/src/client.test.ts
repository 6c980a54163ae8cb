import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRecordingLogger, hang, reply, resetConnection, startUpstream } from '../test/upstream.ts'
import { createClient } from './client.ts'
import { OutboundUnavailableError } from './errors.ts'

const fastRetry = { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50 }
const upstreams: Array<{ close(): Promise<void> }> = []

async function upstream(...args: Parameters<typeof startUpstream>) {
  const started = await startUpstream(...args)
  upstreams.push(started)
  return started
}

afterEach(async () => {
  await Promise.all(upstreams.splice(0).map((started) => started.close()))
})

async function failureOf(promise: Promise<unknown>): Promise<OutboundUnavailableError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(OutboundUnavailableError)
  return error as OutboundUnavailableError
}

describe('timeouts and network failures', () => {
  it('aborts a hanging attempt at the timeout and retries an idempotent request', async () => {
    const server = await upstream(hang)
    const client = createClient({ name: 'hang', baseUrl: server.url, timeoutMs: 200, retry: fastRetry })
    const error = await failureOf(client.request({ method: 'GET', path: '/slow' }))
    expect(error).toMatchObject({ reason: 'timeout', code: 'SHIPSHAPE_OUTBOUND_UNAVAILABLE' })
    expect(error.problem).toEqual({ status: 503, code: 'unavailable', detail: expect.any(String) })
    expect(server.state.hits).toBe(3)
    await vi.waitFor(() => expect(server.state.closed).toBe(3))
  })

  it('attempts a hanging POST without an idempotency key once', async () => {
    const server = await upstream(hang)
    const client = createClient({ name: 'hang', baseUrl: server.url, timeoutMs: 200, retry: fastRetry })
    expect(
      (await failureOf(client.request({ method: 'POST', path: '/orders', body: { a: 1 } }))).reason,
    ).toBe('timeout')
    expect(server.state.hits).toBe(1)
  })

  it('retries a connection reset and reports a network failure', async () => {
    const server = await upstream(resetConnection)
    const client = createClient({ name: 'reset', baseUrl: server.url, retry: fastRetry })
    expect((await failureOf(client.request({ method: 'GET', path: '/' }))).reason).toBe('network')
    expect(server.state.hits).toBe(3)
  })
})

describe('retries on responses', () => {
  it('never retries other 4xx', async () => {
    const server = await upstream(reply(404))
    const client = createClient({ name: 'four', baseUrl: server.url, retry: fastRetry })
    expect((await client.request({ method: 'GET', path: '/' })).status).toBe(404)
    expect(server.state.hits).toBe(1)
  })

  it('retries 503 until the upstream recovers', async () => {
    const server = await upstream((request, response, hit) =>
      reply(hit < 3 ? 503 : 200)(request, response, hit),
    )
    const client = createClient({ name: 'flaky', baseUrl: server.url, retry: fastRetry })
    const response = await client.request({ method: 'GET', path: '/' })
    expect(response).toMatchObject({ status: 200, body: { status: 200 } })
    expect(server.state.hits).toBe(3)
  })

  it('returns the last 503 once the attempts are spent', async () => {
    const server = await upstream(reply(503))
    const client = createClient({ name: 'down', baseUrl: server.url, retry: fastRetry })
    expect((await client.request({ method: 'GET', path: '/' })).status).toBe(503)
    expect(server.state.hits).toBe(3)
  })

  it('waits the Retry-After of a 429, and gives up on one beyond the cap', async () => {
    const server = await upstream((request, response, hit) =>
      reply(hit === 1 ? 429 : 200, { 'retry-after': '1' })(request, response, hit),
    )
    const logger = createRecordingLogger()
    const client = createClient({ name: 'limited', baseUrl: server.url, retry: fastRetry, logger })
    expect((await client.request({ method: 'GET', path: '/' })).status).toBe(200)
    expect(logger.lines.find((line) => line.message === 'outbound request retried')).toMatchObject({
      delayMs: 1000,
    })

    server.use(reply(429, { 'retry-after': '3600' }))
    expect((await client.request({ method: 'GET', path: '/' })).status).toBe(429)
    expect(server.state.hits).toBe(3)
  })

  it('retries a POST that carries an idempotency key, sending the same key each time', async () => {
    const server = await upstream((request, response, hit) =>
      reply(hit < 3 ? 502 : 201)(request, response, hit),
    )
    const client = createClient({ name: 'keyed', baseUrl: server.url, retry: fastRetry })
    const response = await client.request({
      method: 'POST',
      path: '/orders',
      body: { a: 1 },
      idempotencyKey: 'key-1',
    })
    expect(response.status).toBe(201)
    expect(server.state.headers.map((headers) => headers['idempotency-key'])).toEqual([
      'key-1',
      'key-1',
      'key-1',
    ])
  })

  it('refuses a path that would leave the base URL', async () => {
    const client = createClient({ name: 'paths', baseUrl: 'http://127.0.0.1:1' })
    const invalid = { name: 'OptionsError', code: 'SHIPSHAPE_OUTBOUND_PATH_INVALID' }
    await expect(client.request({ method: 'GET', path: '//evil.example/x' })).rejects.toMatchObject(invalid)
    await expect(client.request({ method: 'GET', path: 'relative' })).rejects.toMatchObject(invalid)
  })

  it('refuses a limit below 1 when the client is made', () => {
    expect(() => createClient({ name: 'limits', baseUrl: 'http://127.0.0.1:1', timeoutMs: 0 })).toThrow(
      expect.objectContaining({ name: 'OptionsError', code: 'SHIPSHAPE_OUTBOUND_LIMIT_INVALID' }),
    )
  })
})
