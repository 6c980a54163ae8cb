import { createNoopMeter, metrics, SpanKind, trace } from '@opentelemetry/api'
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace'
import { createScratchDatabase, type ScratchDatabase } from '@shipshape/testing/postgres'
import type { FastifyInstance } from 'fastify'
import type { Pool } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  getTraceContext,
  getTraceparent,
  shutdownTelemetry,
  startTelemetry,
  type TelemetryHandle,
  withTraceparent,
} from './index.ts'

const HTTP_SCOPE = '@opentelemetry/instrumentation-http'
const FASTIFY_SCOPE = '@fastify/otel'
const PG_SCOPE = '@opentelemetry/instrumentation-pg'

// InMemorySpanExporter forgets its spans on shutdown; this one keeps them for the flush assertion.
class KeepingSpanExporter extends InMemorySpanExporter {
  override shutdown(): Promise<void> {
    return Promise.resolve()
  }
}

const memory = new InMemorySpanExporter()
const batched = new KeepingSpanExporter()
let handle: TelemetryHandle
let database: ScratchDatabase
let pool: Pool
let app: FastifyInstance
let baseUrl: string

// fastify and pg are imported only after startTelemetry: modules loaded before it cannot be patched.
async function buildApp(databaseUrl: string): Promise<void> {
  const { default: pg } = await import('pg')
  const { default: Fastify } = await import('fastify')
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
  app = Fastify()
  // Hooks as a service's plugins add them: none of them may cost a span.
  app.addHook('onRequest', async () => {})
  app.addHook('preHandler', async () => {})
  app.addHook('onSend', async (_request, _reply, payload) => payload)
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async () => {
    await pool.query('SELECT 1')
    return { status: 'ok' }
  })
  app.get('/items', async () => {
    const { rows } = await pool.query<{ sum: number }>('SELECT 1 + 1 AS sum')
    return { sum: rows[0]?.sum, log: getTraceContext() }
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  baseUrl = `http://127.0.0.1:${address.port}`
}

function findServerSpan(spans: readonly ReadableSpan[], path: string): ReadableSpan | undefined {
  return spans.find(
    (span) =>
      span.instrumentationScope.name === HTTP_SCOPE &&
      span.kind === SpanKind.SERVER &&
      span.attributes['url.path'] === path,
  )
}

// The server span ends after the response is flushed, so it may land a moment after fetch resolves.
async function waitForServerSpan(path: string): Promise<ReadableSpan> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const span = findServerSpan(memory.getFinishedSpans(), path)
    if (span !== undefined) return span
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`no server span for ${path}`)
}

function getAncestors(span: ReadableSpan, spans: readonly ReadableSpan[]): ReadableSpan[] {
  const byId = new Map(spans.map((each) => [each.spanContext().spanId, each]))
  const ancestors: ReadableSpan[] = []
  let parent = byId.get(span.parentSpanContext?.spanId ?? '')
  while (parent !== undefined) {
    ancestors.push(parent)
    parent = byId.get(parent.parentSpanContext?.spanId ?? '')
  }
  return ancestors
}

beforeAll(async () => {
  handle = startTelemetry({
    serviceName: 'telemetry-test',
    spanProcessors: [
      new SimpleSpanProcessor({ exporter: memory }),
      // A delay far past the test's length: only shutdownTelemetry() can make these spans arrive.
      new BatchSpanProcessor({ exporter: batched, scheduledDelayMillis: 600_000 }),
    ],
  })
  database = await createScratchDatabase()
  await buildApp(database.url)
})

afterAll(async () => {
  await app?.close()
  await pool?.end()
  await database?.drop()
  await shutdownTelemetry()
})

describe('startTelemetry in process', () => {
  it('makes no span at any layer for the probe paths, even when the probe queries the database', async () => {
    memory.reset()
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200)
    expect((await fetch(`${baseUrl}/healthz?verbose=1`)).status).toBe(200)
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200)
    expect((await fetch(`${baseUrl}/items`)).status).toBe(200)
    const marker = await waitForServerSpan('/items')

    const traceIds = new Set(memory.getFinishedSpans().map((span) => span.spanContext().traceId))
    expect([...traceIds]).toEqual([marker.spanContext().traceId])
  })

  it('returns the first handle on a second call, whatever its options', () => {
    expect(startTelemetry({ serviceName: 'other', spanProcessors: [] })).toBe(handle)
    expect(handle.enabled).toBe(true)
  })

  it('joins the HTTP, Fastify and pg spans of one request into one parent chain', async () => {
    memory.reset()
    expect((await fetch(`${baseUrl}/items`)).status).toBe(200)
    const server = await waitForServerSpan('/items')
    const spans = memory.getFinishedSpans()
    const query = spans.find(
      (span) => span.instrumentationScope.name === PG_SCOPE && span.name.startsWith('pg.query'),
    )
    if (query === undefined) throw new Error(`no pg query span among ${spans.map((span) => span.name)}`)

    const ancestors = getAncestors(query, spans)
    expect(ancestors.at(-1)).toBe(server)
    expect(ancestors.some((span) => span.instrumentationScope.name === FASTIFY_SCOPE)).toBe(true)
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(1)
    // @fastify/otel names the route on the HTTP span through the shared RPC-metadata context key.
    expect(server.attributes['http.route']).toBe('/items')
  })

  it('makes one span for the route and one for its handler, none per hook', async () => {
    memory.reset()
    expect((await fetch(`${baseUrl}/items`)).status).toBe(200)
    const server = await waitForServerSpan('/items')
    const spans = memory.getFinishedSpans().filter((span) => span.instrumentationScope.name === FASTIFY_SCOPE)

    expect(spans.map((span) => span.name.split(' - ')[0]).sort()).toEqual(['handler', 'request'])
    expect(spans.every((span) => span.spanContext().traceId === server.spanContext().traceId)).toBe(true)
  })

  it('records no span of drizzle-orm, whose query spans repeat the pg ones', () => {
    expect(trace.getTracer('drizzle-orm').startSpan('drizzle.operation').isRecording()).toBe(false)
    expect(trace.getTracer('anything-else').startSpan('work').isRecording()).toBe(true)
  })

  it('gives log lines the active span ids inside a request and nothing outside one', async () => {
    memory.reset()
    const body = (await (await fetch(`${baseUrl}/items`)).json()) as {
      log: { trace_id: string; span_id: string }
    }
    const server = await waitForServerSpan('/items')

    expect(body.log.trace_id).toBe(server.spanContext().traceId)
    const spanIds = memory.getFinishedSpans().map((span) => span.spanContext().spanId)
    expect(spanIds).toContain(body.log.span_id)
    expect(getTraceContext()).toBeUndefined()
  })

  it('describes the process and host only: no cloud detector ran', async () => {
    await fetch(`${baseUrl}/items`)
    const { resource } = await waitForServerSpan('/items')
    const keys = Object.keys(resource.attributes)

    expect(resource.attributes['service.name']).toBe('telemetry-test')
    expect(resource.attributes['process.pid']).toBe(process.pid)
    expect(keys).toContain('host.name')
    expect(keys.filter((key) => key.startsWith('cloud.') || key.startsWith('container.'))).toEqual([])
  })

  it('registers no meter provider: traces only', () => {
    expect(metrics.getMeterProvider().getMeter('probe')).toBeInstanceOf(createNoopMeter().constructor)
  })

  it('carries a trace through a stored traceparent: work resumed later is a child of the span that stored it', async () => {
    memory.reset()
    const tracer = trace.getTracer('telemetry-test')
    expect(getTraceparent()).toBeUndefined()
    const stored = tracer.startActiveSpan('request', (span) => {
      span.end()
      return { traceparent: getTraceparent(), context: span.spanContext() }
    })
    expect(stored.traceparent).toBe(`00-${stored.context.traceId}-${stored.context.spanId}-01`)

    // Later, from a timer in another trace (or none): the resumed span joins the stored one's trace.
    const resumed = tracer.startActiveSpan('timer', (timer) => {
      const child = withTraceparent(stored.traceparent, () => tracer.startSpan('deliver'))
      child.end()
      timer.end()
      return child
    })
    expect(resumed.spanContext().traceId).toBe(stored.context.traceId)
    const [deliver] = memory.getFinishedSpans().filter((span) => span.name === 'deliver')
    expect(deliver?.parentSpanContext?.spanId).toBe(stored.context.spanId)
    expect(deliver?.parentSpanContext?.isRemote).toBe(true)

    // No traceparent, or an unreadable one: the work stays in the caller's context.
    tracer.startActiveSpan('caller', (caller) => {
      for (const missing of [undefined, null, '', 'not-a-traceparent']) {
        const span = withTraceparent(missing, () => tracer.startSpan('orphan'))
        expect(span.spanContext().traceId).toBe(caller.spanContext().traceId)
        span.end()
      }
      caller.end()
    })
  })

  // Last: it stops the SDK for the rest of the file.
  it('flushes spans still buffered in a batch processor on shutdownTelemetry, and is safe twice', async () => {
    memory.reset()
    await fetch(`${baseUrl}/items`)
    const server = await waitForServerSpan('/items')
    expect(batched.getFinishedSpans()).toEqual([])

    await Promise.all([shutdownTelemetry(), shutdownTelemetry()])
    await shutdownTelemetry()

    const flushedIds = batched.getFinishedSpans().map((span) => span.spanContext().spanId)
    expect(flushedIds).toContain(server.spanContext().spanId)
  })
})
