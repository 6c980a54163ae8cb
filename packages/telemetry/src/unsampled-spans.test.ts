import { type Span, type Tracer, trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace'
import { createScratchDatabase, type ScratchDatabase } from '@shipshape/testing/postgres'
import type { FastifyInstance } from 'fastify'
import type { Pool } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { shutdownTelemetry, startTelemetry } from './index.ts'

// Every span object a tracer of the SDK makes, recording or not, by instrumentation scope: a span processor
// sees only the recording ones, so the tracers' startSpan is counted instead.
const created: { scope: string; recording: boolean }[] = []

const memory = new InMemorySpanExporter()
let database: ScratchDatabase
let pool: Pool
let app: FastifyInstance
let baseUrl: string

// A parent that the caller did not sample (flags 00): ParentBased sampling keeps the request unsampled.
const UNSAMPLED_PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00'

function countSpanCreations(): void {
  const provider = (trace.getTracerProvider() as { getDelegate?: () => object }).getDelegate?.()
  if (provider === undefined) throw new Error('no SDK tracer provider is registered')
  // The SDK's own getTracer (the provider's base class), past any wrapper the package puts around tracers.
  const sdkProvider = Object.getPrototypeOf(Object.getPrototypeOf(provider)) as {
    getTracer(this: object, name: string): Tracer
  }
  const probe = sdkProvider.getTracer.call(provider, 'span-counter')
  const prototype = Object.getPrototypeOf(probe) as {
    startSpan(this: { instrumentationScope: { name: string } }, ...args: unknown[]): Span
  }
  const startSpan = prototype.startSpan
  prototype.startSpan = function (...args) {
    const span = startSpan.apply(this, args)
    created.push({ scope: this.instrumentationScope.name, recording: span.isRecording() })
    return span
  }
}

beforeAll(async () => {
  startTelemetry({
    serviceName: 'unsampled-test',
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  })
  countSpanCreations()
  database = await createScratchDatabase()
  const { default: pg } = await import('pg')
  const { default: Fastify } = await import('fastify')
  pool = new pg.Pool({ connectionString: database.url, max: 2 })
  app = Fastify()
  app.addHook('onRequest', async () => {})
  // Whether the instrumentation bound the request's emitters to a context (it patches their methods).
  app.get('/healthz', async (request, reply) => ({
    status: 'ok',
    bound: Object.hasOwn(request.raw, 'on') || Object.hasOwn(reply.raw, 'on'),
  }))
  app.get('/readyz', async () => {
    await pool.query('SELECT 1')
    return { status: 'ok' }
  })
  app.get('/items', async () => {
    const { rows } = await pool.query<{ sum: number }>('SELECT 1 + 1 AS sum')
    return { sum: rows[0]?.sum, traceId: trace.getActiveSpan()?.spanContext().traceId }
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  baseUrl = `http://127.0.0.1:${address.port}`
})

afterAll(async () => {
  await app?.close()
  await pool?.end()
  await database?.drop()
  await shutdownTelemetry()
})

describe('span objects of requests that are not traced', () => {
  it('counts the spans of a sampled request (the counter sees every layer)', async () => {
    created.length = 0
    expect((await fetch(`${baseUrl}/items`)).status).toBe(200)
    expect(new Set(created.map((each) => each.scope))).toEqual(
      new Set(['@opentelemetry/instrumentation-http', '@fastify/otel', '@opentelemetry/instrumentation-pg']),
    )
    expect(created.every((each) => each.recording)).toBe(true)
  })

  it('creates no span object, recording or not, for an ignored path', async () => {
    created.length = 0
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200)
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200)
    expect((await fetch(`${baseUrl}/readyz`, { headers: { traceparent: UNSAMPLED_PARENT } })).status).toBe(
      200,
    )
    expect(created).toEqual([])
  })

  it('does no per-request instrumentation work for an ignored path: its emitters are not bound', async () => {
    const body = (await (await fetch(`${baseUrl}/healthz`)).json()) as { bound: boolean }
    expect(body.bound).toBe(false)
  })

  it('creates no span object at any layer for a request its caller did not sample, and keeps its trace id', async () => {
    created.length = 0
    memory.reset()
    const response = await fetch(`${baseUrl}/items`, { headers: { traceparent: UNSAMPLED_PARENT } })
    const body = (await response.json()) as { traceId?: string }
    expect(response.status).toBe(200)
    // The caller's trace id still reaches the handler (and so the log lines) and any outgoing call.
    expect(body.traceId).toBe('0af7651916cd43dd8448eb211c80319c')
    expect(created.filter((each) => each.recording)).toEqual([])
    expect(created).toEqual([])
    expect(memory.getFinishedSpans()).toEqual([])
  })
})
