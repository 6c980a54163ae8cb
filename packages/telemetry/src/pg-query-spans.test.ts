import { context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  AlwaysOffSampler,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createQueryPatch, getOperationName } from './pg-query-spans.ts'

type Method = (this: unknown, ...args: unknown[]) => unknown

const exporter = new InMemorySpanExporter()
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] })
const tracer = provider.getTracer('pg-test')
const unsampled = new TracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('off')
const contextManager = new AsyncLocalStorageContextManager()

/** A pg `Client` as the patch sees it, whose `query` is `original`. */
const client = { connectionParameters: { database: 'app', host: 'db.internal', port: 5432 } }

function patched(original: Method): Method {
  return createQueryPatch(() => tracer)(original).bind(client) as Method
}

/** Runs `fn` under a recording request span; resolves with what it returned and the span. */
async function underRequest<T>(fn: () => T | Promise<T>): Promise<{ result: T; request: Span }> {
  const request = tracer.startSpan('GET /items')
  const result = await context.with(trace.setSpan(ROOT_CONTEXT, request), fn)
  request.end()
  return { result, request }
}

const querySpans = () => exporter.getFinishedSpans().filter((span) => span.name.startsWith('pg.'))

beforeAll(() => {
  contextManager.enable()
  context.setGlobalContextManager(contextManager)
})

afterAll(() => {
  context.disable()
})

beforeEach(() => {
  exporter.reset()
})

describe('createQueryPatch', () => {
  it('gives a promised query a CLIENT span under the request, named and attributed as instrumentation-pg does', async () => {
    const query = patched(async () => ({ rows: [{ one: 1 }] }))
    const { result, request } = await underRequest(() => query({ text: 'select 1 AS one', values: [] }))

    expect(result).toEqual({ rows: [{ one: 1 }] })
    const [span] = querySpans()
    expect(span?.name).toBe('pg.query:SELECT app')
    expect(span?.kind).toBe(SpanKind.CLIENT)
    expect(span?.parentSpanContext?.spanId).toBe(request.spanContext().spanId)
    expect(span?.attributes).toEqual({
      'db.system.name': 'postgresql',
      'db.namespace': 'app',
      'server.address': 'db.internal',
      'server.port': 5432,
      'db.query.text': 'select 1 AS one',
    })
    expect(span?.status.code).toBe(SpanStatusCode.UNSET)
  })

  it('names a prepared statement by its name and records it as the plan', async () => {
    const query = patched(async () => ({ rows: [] }))
    await underRequest(() => query({ name: 'session_lookup', text: 'SELECT 1 FROM sessions WHERE id = $1' }))

    expect(querySpans().map((span) => [span.name, span.attributes['db.postgresql.plan']])).toEqual([
      ['pg.query:session_lookup app', 'session_lookup'],
    ])
  })

  it("ends the span before a callback, which runs in its caller's context wherever pg calls it from", async () => {
    let seenInCallback: Span | undefined
    let endedBeforeCallback = false
    // pg calls back from its socket's events, in whatever context those run.
    const query = patched(function (this: unknown, ...args: unknown[]) {
      const callback = args.at(-1) as (error: unknown, result: unknown) => void
      context.with(ROOT_CONTEXT, () => setImmediate(() => callback(null, { rows: [] })))
    })
    const { request } = await underRequest(
      () =>
        new Promise<void>((resolve) => {
          query('SELECT 2', [], () => {
            seenInCallback = trace.getActiveSpan()
            endedBeforeCallback = querySpans().length === 1
            resolve()
          })
        }),
    )

    expect(seenInCallback).toBe(request)
    expect(endedBeforeCallback).toBe(true)
  })

  it("wraps a Query object's own callback, and leaves one without a callback untraced and untouched", async () => {
    const submitted: unknown[] = []
    const query = patched((...args: unknown[]) => {
      submitted.push(args[0])
      const callback = (args[0] as { callback?: (error: unknown, result: unknown) => void }).callback
      callback?.(null, { rows: [] })
    })
    const withCallback = { text: 'SELECT 3', submit() {}, callback: () => {} }
    const streaming = { text: 'SELECT 4', submit() {} }
    await underRequest(() => {
      query(withCallback)
      query(streaming)
    })

    expect(querySpans().map((span) => span.attributes['db.query.text'])).toEqual(['SELECT 3'])
    expect(submitted[1]).toBe(streaming)
    expect(streaming).toEqual({ text: 'SELECT 4', submit: streaming.submit })
  })

  it('records a failure by its SQLSTATE or its type, with no message, and passes the error on', async () => {
    const refusal = Object.assign(new Error('invalid input syntax for type integer: "secret"'), {
      code: '22P02',
    })
    const rejecting = patched(async () => Promise.reject(refusal))
    const throwing = patched(() => {
      throw new TypeError('Client was closed and is not queryable: secret')
    })
    await underRequest(async () => {
      await expect(rejecting('SELECT $1::int', ['secret'])).rejects.toBe(refusal)
      expect(() => throwing('SELECT 5')).toThrow(TypeError)
    })

    const [rejected, thrown] = querySpans()
    expect(rejected?.attributes).toMatchObject({ 'error.type': '22P02', 'db.response.status_code': '22P02' })
    expect(thrown?.attributes['error.type']).toBe('TypeError')
    for (const span of [rejected, thrown]) {
      expect(span?.status).toEqual({ code: SpanStatusCode.ERROR })
      expect(JSON.stringify([span?.attributes, span?.events])).not.toContain('secret')
    }
  })

  it('makes no span, and does no work, outside a span or under one that is not recording', async () => {
    const seen: unknown[][] = []
    const query = patched(async (...args: unknown[]) => {
      seen.push(args)
      return { rows: [] }
    })
    const callback = () => {}
    await query('SELECT 6', [], callback)
    const notRecorded = unsampled.startSpan('GET /items')
    await context.with(trace.setSpan(ROOT_CONTEXT, notRecorded), () => query('SELECT 7', [], callback))

    expect(querySpans()).toEqual([])
    // The arguments reach pg as given: the caller's own callback, not a wrapper.
    expect(seen.map((args) => args[2])).toEqual([callback, callback])
  })
})

describe('getOperationName', () => {
  it.each([
    ['SELECT 1', 'SELECT'],
    ['  \n\tselect "id" from "items"', 'SELECT'],
    ['BEGIN;', 'BEGIN'],
    ['insert\ninto x values (1)', 'INSERT'],
    ['', ''],
  ])('%j → %j', (text, name) => {
    expect(getOperationName(text)).toBe(name)
  })
})
