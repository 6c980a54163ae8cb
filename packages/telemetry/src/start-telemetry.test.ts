import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import http from 'node:http'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { context, createNoopMeter, metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace'
import { createScratchDatabase, endPool, type ScratchDatabase } from '@shipshape/testing/postgres'
import { build } from 'esbuild'
import type { FastifyInstance } from 'fastify'
import type { Pool } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BUNDLED_MODULE_KEY,
  getTraceContext,
  getTraceparent,
  shutdownTelemetry,
  startTelemetry,
  type TelemetryHandle,
  withTraceparent,
} from './index.ts'

const SCOPE = '@shipshape/telemetry'
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

const completions: (string | undefined)[] = []

/** A POST whose body is written in parts, a pause between them; resolves with the status. */
function postInParts(url: string, parts: string[]): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': parts.join('').length },
    })
    request.on('response', (response) => {
      response.resume()
      response.on('end', () => resolve(response.statusCode))
    })
    request.on('error', reject)
    request.flushHeaders()
    const writeNext = (index: number) => {
      if (index === parts.length) return void request.end()
      request.write(parts[index])
      setTimeout(() => writeNext(index + 1), 50)
    }
    setTimeout(() => writeNext(0), 50)
  })
}

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
  // A body arrives after the request's first event, from the connection: the hook and the handler after
  // it must still run in the request's trace.
  app.post(
    '/items/:id/notes',
    {
      preHandler: async () => {
        await pool.query('SELECT 2 AS hook')
      },
    },
    async (request) => {
      await pool.query('SELECT 3 AS handler')
      return { id: (request.params as { id: string }).id, body: request.body }
    },
  )
  app.addHook('onResponse', (request, _reply, done) => {
    if (request.method === 'POST') completions.push(trace.getActiveSpan()?.spanContext().traceId)
    done()
  })
  // Each request's query text names it, so a test can tell which trace each query span landed in.
  app.get('/queued/:n', async (request) => {
    const n = Number((request.params as { n: string }).n)
    if (!Number.isInteger(n)) throw new Error('n must be an integer')
    await pool.query(`SELECT pg_sleep(0.05), ${n} AS queued_${n}`)
    return { n }
  })
  // PostgreSQL quotes a value it cannot read in its message: `invalid input syntax for type integer: "..."`.
  app.get('/unreadable', async () => {
    await pool.query('SELECT $1::int AS n', ['secret-value-42'])
  })
  app.get('/broken', async () => {
    await pool.query('SELECT 4 AS broken')
    throw Object.assign(new Error('secret detail: alice@example.com'), { code: 'BROKEN_THING' })
  })
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 })
}

/**
 * pg bundled into one file as `@shipshape/bundle` bundles it into a service: not `require`d by its name, so
 * the instrumentation's require hook never sees it; its main files (and pg-pool's) announce themselves.
 */
async function loadBundledPg(): Promise<typeof import('pg')> {
  const packageDir = fileURLToPath(new URL('..', import.meta.url))
  const dir = mkdtempSync(join(packageDir, 'node_modules', '.bundled-pg-'))
  const key = JSON.stringify(BUNDLED_MODULE_KEY)
  const mains: Record<string, string> = { pg: 'lib/index.js', 'pg-pool': 'index.js' }
  const result = await build({
    stdin: { contents: "module.exports = require('pg')", resolveDir: packageDir },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'announce',
        setup(plugin) {
          plugin.onLoad({ filter: /[\\/]node_modules[\\/]pg(-pool)?[\\/]/ }, async ({ path }) => {
            const name = Object.keys(mains).find((each) =>
              path.endsWith(`/node_modules/${each}/${mains[each]}`),
            )
            if (name === undefined) return undefined
            const source = await readFile(path, 'utf8')
            const announce = `globalThis[Symbol.for(${key})]?.(${JSON.stringify(name)}, module.exports);`
            return { contents: `${source}\n${announce}\n`, loader: 'js' }
          })
        },
      },
    ],
  })
  const file = join(dir, 'pg.cjs')
  writeFileSync(file, result.outputFiles[0]?.text ?? '')
  try {
    return createRequire(import.meta.url)(file) as typeof import('pg')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function findServerSpan(spans: readonly ReadableSpan[], path: string): ReadableSpan | undefined {
  return spans.find(
    (span) =>
      span.instrumentationScope.name === SCOPE &&
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
  if (pool !== undefined) await endPool(pool)
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

  it('joins the HTTP, route and pg spans of one request into one parent chain', async () => {
    memory.reset()
    expect((await fetch(`${baseUrl}/items`)).status).toBe(200)
    const server = await waitForServerSpan('/items')
    const spans = memory.getFinishedSpans()
    const query = spans.find(
      (span) => span.instrumentationScope.name === PG_SCOPE && span.name.startsWith('pg.query'),
    )
    if (query === undefined) throw new Error(`no pg query span among ${spans.map((span) => span.name)}`)

    const ancestors = getAncestors(query, spans)
    expect(ancestors.map((span) => span.name)).toEqual(['route /items', 'GET /items'])
    expect(ancestors.at(-1)).toBe(server)
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(1)
    expect(server.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/items',
      'http.response.status_code': 200,
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
    })
    expect(server.parentSpanContext).toBeUndefined()
  })

  it("keeps a query that waited for a pooled connection in its own request's trace", async () => {
    memory.reset()
    // Eight requests, two connections: six queries wait in the pool's queue and are sent when another
    // request's query releases its connection, from that request's callbacks.
    // Probes wait among them: their queries must stay untraced, not join whichever trace calls them back.
    const requests = Array.from({ length: 8 }, (_, n) => n)
    const paths = requests.flatMap((n) => (n % 2 === 0 ? [`/queued/${n}`, '/readyz'] : [`/queued/${n}`]))
    const statuses = await Promise.all(paths.map(async (path) => (await fetch(`${baseUrl}${path}`)).status))
    expect(statuses).toEqual(paths.map(() => 200))
    for (const n of requests) {
      const server = await waitForServerSpan(`/queued/${n}`)
      const query = memory
        .getFinishedSpans()
        .find((span) => String(span.attributes['db.query.text'] ?? '').endsWith(`AS queued_${n}`))
      if (query === undefined) throw new Error(`no query span of request ${n}`)
      expect(getAncestors(query, memory.getFinishedSpans()).at(-1), `request ${n}`).toBe(server)
    }
    const probeQueries = memory
      .getFinishedSpans()
      .filter((span) => span.attributes['db.query.text'] === 'SELECT 1')
    expect(probeQueries).toEqual([])
  })

  it('patches a pg bundled into the service as it announces itself: queries traced, a queued one in its own trace', async () => {
    const pg = await loadBundledPg()
    const bundledPool = new pg.Pool({ connectionString: database.url, max: 1 })
    const tracer = trace.getTracer('bundled-pg-test')
    try {
      memory.reset()
      // One connection, two callers: the second query waits in pg-pool's queue and is sent from the first's release.
      const parents = await Promise.all(
        ['a', 'b'].map((name) =>
          tracer.startActiveSpan(`caller ${name}`, async (span) => {
            await bundledPool.query(`SELECT pg_sleep(0.05), 1 AS bundled_${name}`)
            span.end()
            return span
          }),
        ),
      )
      for (const [index, name] of ['a', 'b'].entries()) {
        const query = memory
          .getFinishedSpans()
          .find((span) => String(span.attributes['db.query.text'] ?? '').endsWith(`AS bundled_${name}`))
        if (query === undefined) throw new Error(`no span of the bundled pg's query ${name}`)
        expect(query.instrumentationScope.name).toBe(PG_SCOPE)
        expect(query.parentSpanContext?.spanId).toBe(parents[index]?.spanContext().spanId)
      }
    } finally {
      await bundledPool.end()
    }
  })

  it("records a failed query by its SQLSTATE, never by the driver's message, which can quote a value", async () => {
    memory.reset()
    expect((await fetch(`${baseUrl}/unreadable`)).status).toBe(500)
    await waitForServerSpan('/unreadable')
    const query = memory
      .getFinishedSpans()
      .find((span) => span.attributes['db.query.text'] === 'SELECT $1::int AS n')
    if (query === undefined) throw new Error('no span for the failed query')

    expect(query.status.code).toBe(SpanStatusCode.ERROR)
    expect(query.attributes).toMatchObject({ 'error.type': '22P02', 'db.response.status_code': '22P02' })
    const recorded = JSON.stringify([query.name, query.attributes, query.status, query.events])
    expect(recorded).not.toContain('secret-value-42')
    expect(recorded).not.toContain('invalid input syntax')
  })

  it('makes one span for the route, none per hook', async () => {
    memory.reset()
    expect((await fetch(`${baseUrl}/items`)).status).toBe(200)
    const server = await waitForServerSpan('/items')
    const spans = memory.getFinishedSpans().filter((span) => span.kind === SpanKind.INTERNAL)

    expect(spans.map((span) => span.name)).toEqual(['route /items'])
    expect(spans[0]?.parentSpanContext?.spanId).toBe(server.spanContext().spanId)
  })

  it('keeps a request with a body in its trace: the hook and the handler after the body, and onResponse', async () => {
    memory.reset()
    completions.length = 0
    // The body comes in two parts, 50 ms apart: its events come from the connection, not the request.
    const status = await postInParts(`${baseUrl}/items/7/notes?token=hidden`, ['{"text":', '"later"}'])
    expect(status).toBe(200)
    const server = await waitForServerSpan('/items/7/notes')
    const spans = memory.getFinishedSpans()
    const byText = (text: string) =>
      spans.find((span) => String(span.attributes['db.query.text'] ?? '').includes(text))
    const hookQuery = byText('AS hook')
    const handlerQuery = byText('AS handler')
    if (hookQuery === undefined || handlerQuery === undefined)
      throw new Error(`missing pg spans among ${spans.map((span) => span.name)}`)

    expect(server.name).toBe('POST /items/:id/notes')
    expect(server.attributes['http.route']).toBe('/items/:id/notes')
    expect(getAncestors(hookQuery, spans)).toEqual([server])
    expect(getAncestors(handlerQuery, spans).map((span) => span.name)).toEqual([
      'route /items/:id/notes',
      'POST /items/:id/notes',
    ])
    // Fastify's onResponse (where it logs the request) runs in the request's trace too.
    expect(completions).toEqual([server.spanContext().traceId])
    // The query string may carry tokens: it is not recorded.
    expect(JSON.stringify(server.attributes)).not.toContain('hidden')
  })

  it("enters a request's context for the events somebody listens to, and for no other", async () => {
    const entered: string[] = []
    const enter = context.with
    // The request's own events pass the event's name to `context.with` after the emitter.
    context.with = function (this: typeof context, ...args: Parameters<typeof enter>) {
      if (args[2] instanceof http.IncomingMessage || args[2] instanceof http.ServerResponse)
        entered.push(String(args[3]))
      return enter.apply(this, args)
    } as typeof enter
    const server = http.createServer((_request, response) => {
      response.on('finish', () => entered.push('(finish listener)'))
      response.end('ok')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as { port: number }
      expect((await fetch(`http://127.0.0.1:${port}/listened`)).status).toBe(200)
      await waitForServerSpan('/listened')
    } finally {
      context.with = enter
      server.close()
    }
    // Node emits `socket`, `prefinish`, `readable`, `resume` and `close` here with nobody listening.
    expect(entered).toContain('finish')
    expect(entered).toContain('(finish listener)')
    expect(entered.filter((event) => ['socket', 'prefinish', 'readable', 'resume'].includes(event))).toEqual(
      [],
    )
  })

  it("runs a plain node:http body and response events in the request's trace", async () => {
    memory.reset()
    const seen: Record<string, string | undefined> = {}
    const activeTraceId = () => trace.getActiveSpan()?.spanContext().traceId
    const server = http.createServer((request, response) => {
      request.on('data', () => {
        seen.data = activeTraceId()
      })
      request.on('end', () => {
        seen.end = activeTraceId()
        response.end('ok')
      })
      response.on('finish', () => {
        seen.finish = activeTraceId()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as { port: number }
      expect(await postInParts(`http://127.0.0.1:${port}/plain`, ['{"a"', ':1}'])).toBe(200)
      const span = await waitForServerSpan('/plain')
      const traceId = span.spanContext().traceId
      expect(seen).toEqual({ data: traceId, end: traceId, finish: traceId })
    } finally {
      server.close()
    }
  })

  it('marks a failed route and its request as errors by type, without the message', async () => {
    memory.reset()
    expect((await fetch(`${baseUrl}/broken`)).status).toBe(500)
    const server = await waitForServerSpan('/broken')
    const route = memory.getFinishedSpans().find((span) => span.name === 'route /broken')

    expect(server.status.code).toBe(SpanStatusCode.ERROR)
    expect(server.attributes['http.response.status_code']).toBe(500)
    expect(route?.status.code).toBe(SpanStatusCode.ERROR)
    expect(route?.attributes['error.type']).toBe('BROKEN_THING')
    const recorded = [server, route].map((span) => [span?.attributes, span?.status, span?.events])
    expect(JSON.stringify(recorded)).not.toContain('alice@example.com')
  })

  it('names a request no route matched by its method alone', async () => {
    memory.reset()
    expect((await fetch(`${baseUrl}/nowhere`)).status).toBe(404)
    const server = await waitForServerSpan('/nowhere')

    expect(server.name).toBe('GET')
    expect(server.attributes['http.route']).toBeUndefined()
    expect(server.status.code).toBe(SpanStatusCode.UNSET)
  })

  it("continues a caller's trace from its traceparent header", async () => {
    memory.reset()
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
    expect((await fetch(`${baseUrl}/items`, { headers: { traceparent: parent } })).status).toBe(200)
    const server = await waitForServerSpan('/items')

    expect(server.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736')
    expect(server.parentSpanContext?.spanId).toBe('00f067aa0ba902b7')
    expect(server.parentSpanContext?.isRemote).toBe(true)
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
