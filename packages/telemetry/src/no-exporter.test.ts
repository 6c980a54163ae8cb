import { createScratchDatabase, endPool, type ScratchDatabase } from '@shipshape/testing/postgres'
import type { FastifyInstance } from 'fastify'
import type { Pool } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countSpanCreations, type SpanCreation } from '../test/span-counter.ts'
import { getTraceContext, getTraceparent, shutdownTelemetry, startTelemetry } from './index.ts'

// The preload with no exporter (no OTLP endpoint, no OTEL_TRACES_EXPORTER), as a service runs it before
// anyone sets up a collector: spans would go nowhere, so a request no caller sampled makes none to record.
const created: SpanCreation[] = []
let database: ScratchDatabase
let pool: Pool
let app: FastifyInstance
let baseUrl: string

// A caller that sampled its trace (flags 01): its decision is kept and passed on.
const SAMPLED_PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'

beforeAll(async () => {
  startTelemetry({ serviceName: 'no-exporter-test' })
  countSpanCreations(created)
  database = await createScratchDatabase()
  const { default: pg } = await import('pg')
  const { default: Fastify } = await import('fastify')
  pool = new pg.Pool({ connectionString: database.url, max: 2 })
  app = Fastify()
  app.get('/items', async () => {
    const { rows } = await pool.query<{ sum: number }>('SELECT 1 + 1 AS sum')
    return { sum: rows[0]?.sum, log: getTraceContext(), outgoing: getTraceparent() }
  })
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 })
})

afterAll(async () => {
  await app?.close()
  if (pool !== undefined) await endPool(pool)
  await database?.drop()
  await shutdownTelemetry()
})

interface Answer {
  sum: number
  log?: { trace_id: string; span_id: string }
  outgoing?: string
}

describe('the preload without an exporter', () => {
  it('records no span of a request no caller sampled, and its log lines still carry a trace id', async () => {
    created.length = 0
    const answer = (await (await fetch(`${baseUrl}/items`)).json()) as Answer
    expect(answer.sum).toBe(2)
    expect(created.filter((each) => each.recording)).toEqual([])
    // One non-recording span at the HTTP layer carries the request's trace id; nothing below it makes one,
    // and no attributes were built for it.
    expect(created).toEqual([{ scope: '@shipshape/telemetry', recording: false, attributes: undefined }])
    expect(answer.log?.trace_id).toMatch(/^[0-9a-f]{32}$/)
    expect(answer.outgoing).toMatch(/-00$/)
  })

  it("keeps a caller's sampled trace: recorded at every layer and passed on as sampled", async () => {
    created.length = 0
    const answer = (await (
      await fetch(`${baseUrl}/items`, { headers: { traceparent: SAMPLED_PARENT } })
    ).json()) as Answer
    expect(answer.log?.trace_id).toBe('4bf92f3577b34da6a3ce929d0e0e4736')
    expect(answer.outgoing).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/)
    expect(new Set(created.filter((each) => each.recording).map((each) => each.scope))).toEqual(
      new Set(['@shipshape/telemetry', '@opentelemetry/instrumentation-pg']),
    )
  })
})
