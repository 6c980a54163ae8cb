import { startOtlpReceiver } from '@shipshape/testing/otlp'
import { createScratchDatabase, type ScratchDatabase } from '@shipshape/testing/postgres'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Collector, startCollector, startFixtureApp } from '../test/fixture.ts'

interface OtlpAttribute {
  key: string
  value: { stringValue?: string; intValue?: number | string }
}

interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  attributes: OtlpAttribute[]
}

interface OtlpBody {
  resourceSpans: {
    resource: { attributes: OtlpAttribute[] }
    scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[]
  }[]
}

interface ExportedSpan extends OtlpSpan {
  scope: string
  serviceName: string | undefined
}

const PG_PORT_ATTEMPTS = /"port":(5432|"5432")/

function getAttribute(attributes: OtlpAttribute[], key: string): string | undefined {
  return attributes.find((attribute) => attribute.key === key)?.value.stringValue
}

function getExportedSpans(collector: Collector): ExportedSpan[] {
  const traceRequests = collector.requests.filter((request) => request.path === '/v1/traces')
  return traceRequests.flatMap((request) =>
    (JSON.parse(request.body) as OtlpBody).resourceSpans.flatMap((resourceSpans) =>
      resourceSpans.scopeSpans.flatMap((scopeSpans) =>
        scopeSpans.spans.map((span) => ({
          ...span,
          scope: scopeSpans.scope.name,
          serviceName: getAttribute(resourceSpans.resource.attributes, 'service.name'),
        })),
      ),
    ),
  )
}

function getRootOf(span: ExportedSpan, spans: ExportedSpan[]): ExportedSpan {
  const parent = spans.find((each) => each.spanId === span.parentSpanId)
  return parent === undefined ? span : getRootOf(parent, spans)
}

let database: ScratchDatabase
let collector: Collector

beforeAll(async () => {
  database = await createScratchDatabase()
})

afterAll(async () => {
  await database?.drop()
})

afterEach(async () => {
  await collector?.close()
})

describe('node --import @shipshape/telemetry/register', () => {
  it('starts nothing with OTEL_SDK_DISABLED=true, even with an endpoint set', async () => {
    collector = await startCollector()
    const app = await startFixtureApp({
      DATABASE_URL: database.url,
      OTEL_SDK_DISABLED: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    })
    expect((await fetch(`${app.baseUrl}/items`)).status).toBe(200)

    expect(await app.stop()).toBe(0)
    expect(app.instrumented).toBe(false)
    expect(collector.requests).toEqual([])
  })

  it('opens no connection but the database one when no OTLP endpoint is set', async () => {
    const app = await startFixtureApp({ DATABASE_URL: database.url })
    expect(app.instrumented).toBe(true)
    expect(await (await fetch(`${app.baseUrl}/items`)).json()).toEqual({ sum: 2 })

    expect(await app.stop()).toBe(0)
    const attempts = app
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('NETSPY '))
    expect(attempts.length).toBeGreaterThan(0)
    expect(attempts.filter((line) => !PG_PORT_ATTEMPTS.test(line))).toEqual([])
  })

  it('exports one trace per request, HTTP span at the root and pg below, and none for /healthz', async () => {
    collector = await startCollector()
    const app = await startFixtureApp({
      DATABASE_URL: database.url,
      OTEL_SERVICE_NAME: 'fixture',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.url}/v1/traces`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    })
    expect((await fetch(`${app.baseUrl}/healthz`)).status).toBe(200)
    expect((await fetch(`${app.baseUrl}/items`)).status).toBe(200)

    expect(await app.stop()).toBe(0)
    const spans = getExportedSpans(collector)
    const query = spans.find((span) => span.name.startsWith('pg.query'))
    if (query === undefined) throw new Error(`no pg query span among ${spans.map((span) => span.name)}`)
    const root = getRootOf(query, spans)

    expect(root.scope).toBe('@shipshape/telemetry')
    expect(root.name).toBe('GET /items')
    expect(getAttribute(root.attributes, 'url.path')).toBe('/items')
    expect(spans.map((span) => span.name.split(' ')[0]).sort()).toEqual(['GET', 'pg.query:SELECT', 'route'])
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([root.traceId]))
    expect(new Set(spans.map((span) => span.serviceName))).toEqual(new Set(['fixture']))
  })

  it('exports in the default protocol (OTLP/HTTP protobuf) what a collector decodes, text of every UTF-8 width intact', async () => {
    // Decoded with protobufjs and the OTLP protos, not the exporter's code: the exporter's string writer is
    // patched (patches/@opentelemetry__otlp-transformer@0.300.0.patch).
    const receiver = await startOtlpReceiver()
    try {
      const app = await startFixtureApp({
        DATABASE_URL: database.url,
        OTEL_SERVICE_NAME: 'fixture',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      })
      expect((await fetch(`${app.baseUrl}/text`)).status).toBe(200)

      expect(await app.stop()).toBe(0)
      expect(receiver.refused).toBe(0)
      expect(receiver.spans.map((span) => `${span.service} ${span.name}`).sort()).toEqual([
        'fixture GET /text',
        `fixture pg.query:SELECT ${database.name}`,
        'fixture route /text',
      ])
      // Trace and span ids arrive as the bytes of their hex: one trace, each span under the one above it.
      const byName = (prefix: string) => receiver.spans.find((span) => span.name.startsWith(prefix))
      const [server, route, query] = [byName('GET'), byName('route'), byName('pg.query')]
      expect(server?.traceId).toMatch(/^[0-9a-f]{32}$/)
      expect(new Set(receiver.spans.map((span) => span.traceId))).toEqual(new Set([server?.traceId]))
      expect(server?.spanId).toMatch(/^[0-9a-f]{16}$/)
      expect(server?.parentSpanId).toBe('')
      expect(route?.parentSpanId).toBe(server?.spanId)
      expect(query?.parentSpanId).toBe(route?.spanId)
      // The lone surrogate the fixture's text has arrives as U+FFFD, as any UTF-8 encoder writes it.
      expect(query?.attributes['db.query.text']).toBe(
        `SELECT 1 AS one /* ascii é ☃ 😀 \ufffd ${'x'.repeat(150)} */`,
      )
    } finally {
      await receiver.close()
    }
  })

  it('traces a node:http server imported straight from ESM, with no framework in between', async () => {
    collector = await startCollector()
    const app = await startFixtureApp(
      { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      'fixture-node-http.mjs',
    )
    expect((await fetch(`${app.baseUrl}/plain`)).status).toBe(200)

    expect(await app.stop()).toBe(0)
    const server = getExportedSpans(collector).find((span) => span.scope === '@shipshape/telemetry')
    expect(server === undefined ? undefined : getAttribute(server.attributes, 'url.path')).toBe('/plain')
  })

  it('stops waiting for a collector that never answers when the shutdown signal aborts, and says so', async () => {
    const silent = await startOtlpReceiver({ silent: true })
    try {
      const app = await startFixtureApp(
        { OTEL_EXPORTER_OTLP_ENDPOINT: silent.url, SHUTDOWN_DEADLINE_MS: '300' },
        'fixture-node-http.mjs',
      )
      expect((await fetch(`${app.baseUrl}/plain`)).status).toBe(200)

      // The exporter's own timeout is 10 s: without the signal the flush waits for it.
      const started = performance.now()
      expect(await app.stop()).toBe(0)
      expect(performance.now() - started).toBeLessThan(5_000)
      expect(app.stderr()).toContain('spans not yet sent were dropped')
    } finally {
      await silent.close()
    }
  })

  it('exits 0 when the last export fails (nothing listens), and says the spans were dropped', async () => {
    const gone = await startCollector()
    await gone.close()
    // The exporter retries a refused connection until its timeout: 1 s here, to keep the test short.
    const app = await startFixtureApp(
      { OTEL_EXPORTER_OTLP_ENDPOINT: gone.url, OTEL_EXPORTER_OTLP_TIMEOUT: '1000' },
      'fixture-node-http.mjs',
    )
    expect((await fetch(`${app.baseUrl}/plain`)).status).toBe(200)

    expect(await app.stop()).toBe(0)
    const warning = app
      .stderr()
      .split('\n')
      .find((line) => line.includes('spans not yet sent were dropped'))
    expect(JSON.parse(warning ?? '{}')).toMatchObject({ level: 'warn', name: '@shipshape/telemetry' })
  })

  it('sends traces only to a base OTLP endpoint: no metrics, no logs, even at shutdown', async () => {
    collector = await startCollector()
    const app = await startFixtureApp({
      DATABASE_URL: database.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    })
    expect((await fetch(`${app.baseUrl}/items`)).status).toBe(200)

    expect(await app.stop()).toBe(0)
    expect(collector.requests.length).toBeGreaterThan(0)
    expect(new Set(collector.requests.map((request) => request.path))).toEqual(new Set(['/v1/traces']))
  })
})
