import type { AppDatabase } from '@shipshape/db'
import type { OutboundClient } from '@shipshape/outbound'
import { signStandardWebhook } from '@shipshape/webhooks'
import { asc, inArray, isNull, sql } from 'drizzle-orm'
import { PgBoss } from 'pg-boss'
import type * as schema from '../db/schema.ts'
import { bookingEvents } from '../db/schema.ts'

type Logger = { info(object: object, message: string): void; warn(object: object, message: string): void }

export const eventQueue = 'booking-events'

export type EventDeliveryOptions = {
  db: AppDatabase<typeof schema>
  /** PostgreSQL for pg-boss (its own schema, `pgboss`); the embedded database has no queue. */
  connectionString: string
  /** The notifications service, called as POST /webhooks/bookings. */
  client: OutboundClient
  /** The Standard Webhooks secret both services share: it authenticates bookings to notifications. */
  secret: string
  relayIntervalMs: number
  log: Logger
}

export type EventDelivery = { relayOnce(): Promise<number>; stop(): Promise<void> }

/**
 * Delivers the outbox (booking_events) to the notifications service at least once. Two steps:
 * - relay: unrelayed rows are sent to the pg-boss queue, each job keyed by the event id (a row relayed twice,
 *   after a crash between the send and the mark, is one job), then marked relayed;
 * - work: a pg-boss worker POSTs each event, signed as a Standard Webhook whose `webhook-id` is the event id,
 *   so the receiver both authenticates the caller and applies each event once. A failure throws, and pg-boss
 *   retries the job with exponential backoff for as long as the receiver is down.
 */
export async function startEventDelivery(options: EventDeliveryOptions): Promise<EventDelivery> {
  const { db, log } = options
  const boss = new PgBoss({ connectionString: options.connectionString, schema: 'pgboss' })
  boss.on('error', (error) => log.warn({ err: error }, 'pg-boss error'))
  await boss.start()
  await boss.createQueue(eventQueue, {
    retryLimit: 1_000,
    retryDelay: 1,
    retryBackoff: true,
    retryDelayMax: 60,
  })

  async function deliver(event: { id: string; payload: Record<string, unknown> }): Promise<void> {
    const body = JSON.stringify(event.payload)
    const timestampSeconds = Math.floor(Date.now() / 1000)
    const signature = signStandardWebhook({ id: event.id, timestampSeconds, body, secret: options.secret })
    const response = await options.client.request({
      method: 'POST',
      path: '/webhooks/bookings',
      body,
      headers: {
        'content-type': 'application/json',
        'webhook-id': event.id,
        'webhook-timestamp': String(timestampSeconds),
        'webhook-signature': signature,
      },
    })
    if (response.status >= 300) throw new Error(`notifications answered ${response.status}`)
  }

  await boss.work<{ id: string; payload: Record<string, unknown> }>(
    eventQueue,
    { pollingIntervalSeconds: 0.5 },
    async (jobs) => {
      for (const job of jobs) await deliver(job.data)
    },
  )

  async function relayOnce(): Promise<number> {
    return db.transaction(async (tx) => {
      // SKIP LOCKED: several instances relay side by side without waiting on each other's rows.
      const rows = await tx
        .select()
        .from(bookingEvents)
        .where(isNull(bookingEvents.relayedAt))
        .orderBy(asc(bookingEvents.createdAt))
        .limit(100)
        .for('update', { skipLocked: true })
      for (const row of rows) {
        await boss.send(
          eventQueue,
          { id: row.id, payload: { ...row.payload, eventId: row.id } },
          { id: row.id },
        )
      }
      if (rows.length > 0) {
        const ids = rows.map((row) => row.id)
        await tx.update(bookingEvents).set({ relayedAt: sql`now()` }).where(inArray(bookingEvents.id, ids))
      }
      return rows.length
    })
  }

  let relaying: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    relaying = relayOnce().catch((error: unknown) => log.warn({ err: error }, 'outbox relay failed'))
  }, options.relayIntervalMs)
  timer.unref()

  return {
    relayOnce,
    async stop() {
      clearInterval(timer)
      await relaying
      await boss.stop({ graceful: true, timeout: 5_000 })
    },
  }
}
