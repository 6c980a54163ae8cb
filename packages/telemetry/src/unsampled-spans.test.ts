import { type Span, trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace'
import { createScratchDatabase, endPool, type ScratchDatabase } from '@shipshape/testing/postgres'
import type { FastifyInstance } from 'fastify'
import type { Pool } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countSpanCreations, type SpanCreation } from '../test/span-counter.ts'
import { shutdownTelemetry, startTelemetry } from './index.ts'

const created: SpanCreation[] = []
// Every span a tracer of this package was asked for, by name, before it decides to make one or not.
const asked: string[] = []

const memory = new InMemorySpanExporter()
let database: ScratchDatabase
let pool: Pool
let app: FastifyInstance
let baseUrl: string

// A parent that the caller did not sample (flags 00): ParentBased sampling keeps the request unsampled.
const UNSAMPLED_PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00'

function countSpansAsked(): void {
  const packageTracer = Object.getPrototypeOf(trace.getTracer('span-asker')) as {
    startSpan(this: unknown, name: string, ...rest: unknown[]): Span
  }
  const ask = packageTracer.startSpan
  packageTracer.startSpan = function (name, ...rest) {
    asked.push(name)
    return ask.call(this, name, ...rest)
  }
}

beforeAll(async () => {
  startTelemetry({
    serviceName: 'unsampled-test',
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  })
  countSpanCreations(created)
  countSpansAsked()
  database = await createScratchDatabase()
  const { default: pg } = await import('pg')
  const { default: Fastify } = await import('fastify')
  pool = new pg.Pool({ connectionString: database.url, max: 2 })
  app = Fastify()
  app.addHook('onRequest', async () => {})
  // Whether the request's emitters were bound to a context: methods patched on them (the stock HTTP
  // instrumentation) or a context kept on them (this package's).
  const isBound = (emitter: object) =>
    Object.hasOwn(emitter, 'on') ||
    Object.getOwnPropertySymbols(emitter).some((key) => key.description?.startsWith('@shipshape/telemetry'))
  app.get('/healthz', async (request, reply) => ({
    status: 'ok',
    bound: isBound(request.raw) || isBound(reply.raw),
  }))
  app.get('/readyz', async () => {
    await pool.query('SELECT 1')
    return { status: 'ok' }
  })
  app.get('/items', async () => {
    const { rows } = await pool.query<{ sum: number }>('SELECT 1 + 1 AS sum')
    return { sum: rows[0]?.sum, traceId: trace.getActiveSpan()?.spanContext().traceId }
  })
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 })
})

afterAll(async () => {
  await app?.close()
  if (pool !== undefined) await endPool(pool)
  await database?.drop()
  await shutdownTelemetry()
})

describe('span objects of requests that are not traced', () => {
  it('counts the spans of a sampled request (the counter sees every layer)', async () => {
    created.length = 0
    expect((await fetch(`${baseUrl}/items`)).status).toBe(200)
    expect(new Set(created.map((each) => each.scope))).toEqual(
      new Set(['@shipshape/telemetry', '@opentelemetry/instrumentation-pg']),
    )
    // The server span, the route's span and the query's span.
    expect(created).toHaveLength(3)
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
    asked.length = 0
    memory.reset()
    const response = await fetch(`${baseUrl}/items`, { headers: { traceparent: UNSAMPLED_PARENT } })
    const body = (await response.json()) as { traceId?: string }
    expect(response.status).toBe(200)
    // The caller's trace id still reaches the handler (and so the log lines) and any outgoing call.
    expect(body.traceId).toBe('0af7651916cd43dd8448eb211c80319c')
    expect(created.filter((each) => each.recording)).toEqual([])
    expect(created).toEqual([])
    expect(memory.getFinishedSpans()).toEqual([])
    // The pg instrumentation did no work for the query: it never got as far as asking for a span.
    expect(asked.filter((name) => name.startsWith('pg.'))).toEqual([])
    expect(asked).toEqual(['GET', 'route /items'])
  })
})
