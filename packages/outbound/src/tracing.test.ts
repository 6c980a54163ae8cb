import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reply, startUpstream } from '../test/upstream.ts'
import { createClient } from './client.ts'

const exporter = new InMemorySpanExporter()
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] })
const contextManager = new AsyncLocalStorageContextManager()
let upstream: Awaited<ReturnType<typeof startUpstream>>

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable())
  trace.setGlobalTracerProvider(provider)
  upstream = await startUpstream(reply(503))
})

afterAll(async () => {
  await upstream?.close()
  await provider.shutdown()
  trace.disable()
  context.disable()
  propagation.disable()
})

describe('tracing', () => {
  it('records one client span per request with an event per attempt and the breaker opening', async () => {
    const client = createClient({
      name: 'traced',
      baseUrl: upstream.url,
      retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 10 },
      breaker: { threshold: 3, halfOpenAfterMs: 60_000 },
    })
    expect((await client.request({ method: 'GET', path: '/' })).status).toBe(503)
    const [span] = exporter.getFinishedSpans()
    expect(span?.name).toBe('GET')
    expect(span?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.response.status_code': 503,
      'http.request.resend_count': 2,
      'outbound.client': 'traced',
    })
    const events = span?.events.map((event) => [
      event.name,
      event.attributes?.attempt ?? event.attributes?.['breaker.state'],
    ])
    expect(events).toEqual([
      ['attempt', 1],
      ['retry', 1],
      ['attempt', 2],
      ['retry', 2],
      ['attempt', 3],
      ['breaker.state_change', 'open'],
    ])
  })

  it('sends the client span as the parent of the call: W3C traceparent on every attempt', async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator())
    exporter.reset()
    let calls = 0
    upstream.use((_request, response) => response.writeHead(++calls === 1 ? 503 : 200).end())
    const client = createClient({
      name: 'propagating',
      baseUrl: upstream.url,
      retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 },
    })
    const before = upstream.state.headers.length
    expect((await client.request({ method: 'GET', path: '/' })).status).toBe(200)
    const [span] = exporter.getFinishedSpans()
    const { traceId, spanId } = span?.spanContext() ?? {}
    const sent = upstream.state.headers.slice(before).map((headers) => headers.traceparent)
    expect(sent).toEqual([`00-${traceId}-${spanId}-01`, `00-${traceId}-${spanId}-01`])
  })

  it('sends no trace header when no propagator is installed (telemetry off)', async () => {
    propagation.disable()
    upstream.use(reply(200))
    const client = createClient({ name: 'quiet', baseUrl: upstream.url })
    const before = upstream.state.headers.length
    await client.request({ method: 'GET', path: '/' })
    expect(upstream.state.headers.slice(before).map((headers) => headers.traceparent)).toEqual([undefined])
  })
})
