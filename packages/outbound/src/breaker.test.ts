import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRecordingLogger, hang, reply, startUpstream } from '../test/upstream.ts'
import { createClient } from './client.ts'
import { OutboundUnavailableError } from './errors.ts'

const upstreams: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  await Promise.all(upstreams.splice(0).map((started) => started.close()))
})

describe('circuit breaker', () => {
  it('opens after consecutive failures, fails fast without touching the server, half-opens and closes', async () => {
    const server = await startUpstream(reply(503))
    upstreams.push(server)
    const logger = createRecordingLogger()
    const client = createClient({
      name: 'breaker',
      baseUrl: server.url,
      retry: { maxAttempts: 1 },
      breaker: { threshold: 3, halfOpenAfterMs: 300 },
      logger,
    })
    for (let call = 0; call < 3; call += 1)
      expect((await client.request({ method: 'GET', path: '/' })).status).toBe(503)
    expect(client.getBreakerState()).toBe('open')

    const rejected = await client.request({ method: 'GET', path: '/' }).catch((error: unknown) => error)
    expect(rejected).toBeInstanceOf(OutboundUnavailableError)
    expect(rejected).toMatchObject({ reason: 'circuit_open', problem: { status: 503, code: 'unavailable' } })
    expect(server.state.hits).toBe(3)

    server.use(reply(200))
    await vi.waitFor(
      async () => expect((await client.request({ method: 'GET', path: '/' })).status).toBe(200),
      { timeout: 5_000, interval: 100 },
    )
    expect(client.getBreakerState()).toBe('closed')
    const transitions = logger.lines.filter((line) => line.message === 'outbound breaker state changed')
    expect(transitions.map((line) => line.breakerState)).toEqual(['open', 'half_open', 'closed'])
  })

  it('stops retrying as soon as the breaker opens', async () => {
    const server = await startUpstream(reply(503))
    upstreams.push(server)
    const client = createClient({
      name: 'breaker-retry',
      baseUrl: server.url,
      retry: { maxAttempts: 5, initialDelayMs: 5, maxDelayMs: 10 },
      breaker: { threshold: 2, halfOpenAfterMs: 60_000 },
    })
    const rejected = await client.request({ method: 'GET', path: '/' }).catch((error: unknown) => error)
    expect(rejected).toMatchObject({ reason: 'circuit_open' })
    expect(server.state.hits).toBe(2)
  })
})

describe('bulkhead', () => {
  it('limits calls in flight and refuses beyond the queue with the same 503 error', async () => {
    const server = await startUpstream(hang)
    upstreams.push(server)
    const client = createClient({ name: 'bulkhead', baseUrl: server.url, bulkhead: { limit: 2, queue: 1 } })
    const calls = Array.from({ length: 5 }, () =>
      client.request({ method: 'GET', path: '/' }).then(
        (response) => response.status,
        (error: unknown) => (error instanceof OutboundUnavailableError ? error.reason : 'other'),
      ),
    )
    await vi.waitFor(() => expect(server.state.hits).toBe(2))
    server.use(reply(200))
    for (const response of server.pendingResponses()) reply(200)(response.request, response.response, 0)
    const outcomes = await Promise.all(calls)
    expect(outcomes.filter((outcome) => outcome === 'bulkhead_full')).toHaveLength(2)
    expect(outcomes.filter((outcome) => outcome === 200)).toHaveLength(3)
    expect(server.state.peak).toBe(2)
  })
})
