import { randomBytes, randomUUID } from 'node:crypto'
import { createScratchDatabase } from '@shipshape/testing'
import { type ReceivedSpan, SpanKind, startOtlpReceiver } from '@shipshape/testing/otlp'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { bookingsClient, startService } from './service-pair.ts'

// One trace for a booking across both services, as an OTLP collector receives it: bookings and
// notifications run as processes behind the telemetry preload, exporting OTLP/HTTP protobuf to a receiver
// on loopback (configured only by the OTEL_* variables the preload reads). The context travels from the
// booking request into the outbox row (its traceparent, written in the booking's transaction), through
// pg-boss (the job's stored context), into the signed delivery (the traceparent header) and notifications.
const receiver = await startOtlpReceiver()
const secret = `whsec_${Buffer.from(randomUUID()).toString('base64')}`
const databases = await Promise.all([createScratchDatabase(), createScratchDatabase()])
const [bookingsDatabase, notificationsDatabase] = databases
const telemetry = (service: string) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  OTEL_SERVICE_NAME: service,
  OTEL_BSP_SCHEDULE_DELAY: '100',
})
const notifications = await startService('notifications', {
  env: { DATABASE_URL: notificationsDatabase?.url ?? '', BOOKINGS_WEBHOOK_SECRET: secret },
  telemetry: telemetry('notifications'),
})
const bookings = await startService('bookings', {
  env: {
    DATABASE_URL: bookingsDatabase?.url ?? '',
    NOTIFICATIONS_URL: notifications.url,
    NOTIFICATIONS_WEBHOOK_SECRET: secret,
    OUTBOX_RELAY_INTERVAL_MS: '100',
  },
  telemetry: telemetry('bookings'),
})
afterAll(async () => {
  await Promise.all([bookings.stop(), notifications.stop()])
  await receiver.close()
  await Promise.all(databases.map((database) => database?.drop()))
})

const PG = '@opentelemetry/instrumentation-pg'
const HTTP = '@shipshape/telemetry'
const queryOf = (span: ReceivedSpan) =>
  String(span.attributes['db.query.text'] ?? span.attributes['db.statement'] ?? '')

function find(spans: ReceivedSpan[], what: string, test: (span: ReceivedSpan) => boolean): ReceivedSpan {
  const found = spans.filter(test)
  if (found.length !== 1)
    throw new Error(
      `${found.length} spans for ${what} among ${spans.map((span) => `${span.service} ${span.name}`)}`,
    )
  return found[0] as ReceivedSpan
}

function ancestorsOf(span: ReceivedSpan, spans: ReceivedSpan[]): ReceivedSpan[] {
  const byId = new Map(spans.map((each) => [each.spanId, each]))
  const ancestors: ReceivedSpan[] = []
  for (let parent = byId.get(span.parentSpanId); parent; parent = byId.get(parent.parentSpanId))
    ancestors.push(parent)
  return ancestors
}

describe('one trace spans bookings and notifications for a booking', () => {
  it('the booking request, its queries, the queue, the delivery and its handling share one trace', async () => {
    const client = await bookingsClient(bookings.url)
    // The caller's own span, as a browser or gateway would send it: the trace id to look for.
    const traceId = randomBytes(16).toString('hex')
    const callerSpanId = randomBytes(8).toString('hex')
    const booking = await client.book({ traceparent: `00-${traceId}-${callerSpanId}-01` })
    expect(booking.status).toBe(201)

    // Done when notifications has exported the span of the query that stored the e-mail.
    const inTrace = () => receiver.spans.filter((span) => span.traceId === traceId)
    await vi.waitFor(
      () =>
        expect(
          inTrace().some(
            (span) => span.service === 'notifications' && /insert into "sent_emails"/i.test(queryOf(span)),
          ),
        ).toBe(true),
      { timeout: 60_000, interval: 250 },
    )
    // The parents of the last spans may be exported a batch later (a parent ends after its children).
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const spans = inTrace()
    expect(receiver.refused).toBe(0)

    // bookings: the request, its database spans, the queue's send and process, the delivery call.
    const request = find(
      spans,
      'the booking request',
      (span) => span.service === 'bookings' && span.scope === HTTP && span.kind === SpanKind.Server,
    )
    expect(request.attributes['url.path']).toBe('/bookings')
    expect(request.parentSpanId).toBe(callerSpanId)
    for (const table of ['bookings', 'booking_events']) {
      const insert = find(
        spans,
        `insert into ${table}`,
        (span) =>
          span.service === 'bookings' &&
          span.scope === PG &&
          new RegExp(`^insert into "${table}"`, 'i').test(queryOf(span)),
      )
      expect(ancestorsOf(insert, spans)).toContain(request)
    }
    const send = find(spans, 'the pg-boss send', (span) => span.kind === SpanKind.Producer)
    expect(send).toMatchObject({ service: 'bookings', scope: 'pg-boss', name: 'send booking-events' })
    expect(ancestorsOf(send, spans)).toContain(request)

    // Upwards from the query that stored the e-mail: notifications' request, the delivery call that made it,
    // the queue's process span and the send. (A slow first attempt may have been retried: each attempt is
    // one more process span under the same send, so the chain is followed, not counted.)
    const email = find(
      spans,
      'the e-mail insert',
      (span) => span.service === 'notifications' && /^insert into "sent_emails"/i.test(queryOf(span)),
    )
    const byId = new Map(spans.map((span) => [span.spanId, span]))
    // The topmost span of notifications above the e-mail's query.
    const handling = ancestorsOf(email, spans)
      .filter((span) => span.service === 'notifications')
      .at(-1)
    expect(handling).toMatchObject({ service: 'notifications', scope: HTTP, kind: SpanKind.Server })
    expect(handling?.attributes['url.path']).toBe('/webhooks/bookings')
    const delivery = byId.get(handling?.parentSpanId ?? '')
    expect(delivery).toMatchObject({
      service: 'bookings',
      scope: '@shipshape/outbound',
      kind: SpanKind.Client,
      name: 'POST',
    })
    expect(delivery?.attributes['outbound.client']).toBe('notifications')
    const process = byId.get(delivery?.parentSpanId ?? '')
    expect(process).toMatchObject({
      service: 'bookings',
      scope: 'pg-boss',
      kind: SpanKind.Consumer,
      name: 'process booking-events',
    })
    expect(process?.parentSpanId).toBe(send.spanId)

    // No broken link: every span's parent is in the trace, but the caller's.
    const ids = new Set(spans.map((span) => span.spanId))
    const orphans = spans.filter((span) => span.parentSpanId !== callerSpanId && !ids.has(span.parentSpanId))
    expect(orphans.map((span) => `${span.service} ${span.name}`)).toEqual([])
  }, 90_000)
})
