import type { AppDatabase } from '@shipshape/db'
import type { OutboundClient } from '@shipshape/outbound'
import { withTraceparent } from '@shipshape/telemetry'
import { signStandardWebhook } from '@shipshape/webhooks'
import { and, asc, eq, inArray, isNull, lt, sql } from 'drizzle-orm'
import { PgBoss } from 'pg-boss'
import type * as schema from '../db/schema.ts'
import { bookingEvents } from '../db/schema.ts'

type Logger = { info(object: object, message: string): void; warn(object: object, message: string): void }

export const eventQueue = 'booking-events'

/** How pg-boss retries a delivery that failed (OUTBOX_RETRY_*): exponential backoff with jitter, capped. */
export type RetrySchedule = { delaySeconds: number; maxDelaySeconds: number; limit: number }

/**
 * The delay before retry `n` (1, 2, …) as pg-boss 12 computes it (`failJobs`: delay × 2^min(16, n) / 2 ×
 * (1 + random), capped at the maximum): the shortest and the longest it can be.
 */
export function retryDelayRange(schedule: RetrySchedule, n: number): [number, number] {
  const base = Math.max(schedule.delaySeconds, 1) * 2 ** (Math.min(16, n) - 1)
  return [Math.min(schedule.maxDelaySeconds, base), Math.min(schedule.maxDelaySeconds, 2 * base)]
}

/**
 * How many retries a delivery gets during an outage of `seconds`: at least `fewest` (every delay the longest
 * it can be), at most `most` (every delay the shortest), never more than the limit. `givesUp` says the
 * limit could be reached within the outage, i.e. an event could end up failed instead of delivered.
 */
export function retriesWithin(
  schedule: RetrySchedule,
  seconds: number,
): { fewest: number; most: number; givesUp: boolean } {
  const count = (pick: 0 | 1) => {
    let elapsed = 0
    let n = 0
    while (n < schedule.limit) {
      elapsed += retryDelayRange(schedule, n + 1)[pick]
      if (elapsed > seconds) break
      n += 1
    }
    return n
  }
  const most = count(0)
  return { fewest: count(1), most, givesUp: most >= schedule.limit }
}

export type EventDeliveryOptions = {
  db: AppDatabase<typeof schema>
  /** PostgreSQL for pg-boss (its own schema, `pgboss`); the embedded database has no queue. */
  connectionString: string
  /** The notifications service, called as POST /webhooks/bookings. */
  client: OutboundClient
  /** The Standard Webhooks secret both services share: it authenticates bookings to notifications. */
  secret: string
  relayIntervalMs: number
  retry: RetrySchedule
  /** Delivered rows older than this are deleted every `pruneIntervalMs`. */
  retentionHours: number
  pruneIntervalMs: number
  log: Logger
}

export type EventDelivery = {
  relayOnce(): Promise<number>
  /** Deletes delivered rows past the retention; returns how many. */
  pruneOnce(): Promise<number>
  stop(): Promise<void>
}

type EventJob = { id: string; payload: Record<string, unknown> }

const PRUNE_BATCH = 1_000

/**
 * Delivers the outbox (booking_events) to the notifications service at least once. Three steps:
 * - relay: unrelayed rows are sent to the pg-boss queue, each job keyed by the event id (a row relayed twice,
 *   after a crash between the send and the mark, is one job), then marked relayed. Each send runs in the
 *   trace of the request that wrote the row (its stored traceparent), and pg-boss stores that context on the
 *   job, so the worker's span, its HTTP call and the receiver's handling all join the request's trace;
 * - work: a pg-boss worker POSTs each event, signed as a Standard Webhook whose `webhook-id` is the event id,
 *   so the receiver both authenticates the caller and applies each event once, then marks the row delivered.
 *   A failure throws, and pg-boss retries the job on `retry` (exponential backoff) while the receiver is down;
 * - prune: delivered rows past the retention are deleted, a batch at a time.
 */
export async function startEventDelivery(options: EventDeliveryOptions): Promise<EventDelivery> {
  const { db, log } = options
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: 'pgboss',
    openTelemetry: { propagateContext: true },
  })
  boss.on('error', (error) => log.warn({ err: error }, 'pg-boss error'))
  await boss.start()
  const queueOptions = {
    retryLimit: options.retry.limit,
    retryDelay: options.retry.delaySeconds,
    retryBackoff: true,
    retryDelayMax: options.retry.maxDelaySeconds,
  }
  // createQueue leaves an existing queue as it was: updateQueue applies a changed OUTBOX_RETRY_* on restart.
  await boss.createQueue(eventQueue, queueOptions)
  await boss.updateQueue(eventQueue, queueOptions)

  async function deliver(event: EventJob): Promise<void> {
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
    await db
      .update(bookingEvents)
      .set({ deliveredAt: sql`now()` })
      .where(and(eq(bookingEvents.id, event.id), isNull(bookingEvents.deliveredAt)))
  }

  // One job per fetch, so each delivery continues its own request's trace (pg-boss links a larger batch
  // instead), on four workers. Past an outage, a backlog of ready jobs makes them fetch without pause:
  // polling alone (two fetches a second each) let the oldest events' retries starve the newest.
  await boss.work<EventJob>(
    eventQueue,
    { pollingIntervalSeconds: 0.5, localConcurrency: 4, burstWhenReadyExceeds: 10 },
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
        await withTraceparent(row.traceparent, () =>
          boss.send(eventQueue, { id: row.id, payload: { ...row.payload, eventId: row.id } }, { id: row.id }),
        )
      }
      if (rows.length > 0) {
        const ids = rows.map((row) => row.id)
        await tx.update(bookingEvents).set({ relayedAt: sql`now()` }).where(inArray(bookingEvents.id, ids))
      }
      return rows.length
    })
  }

  async function pruneOnce(): Promise<number> {
    let pruned = 0
    for (;;) {
      const expired = db
        .select({ id: bookingEvents.id })
        .from(bookingEvents)
        .where(lt(bookingEvents.deliveredAt, sql`now() - make_interval(hours => ${options.retentionHours})`))
        .limit(PRUNE_BATCH)
      const deleted = await db
        .delete(bookingEvents)
        .where(inArray(bookingEvents.id, expired))
        .returning({ id: bookingEvents.id })
      pruned += deleted.length
      if (deleted.length < PRUNE_BATCH) return pruned
    }
  }

  let relaying: Promise<unknown> = Promise.resolve()
  const relayTimer = setInterval(() => {
    relaying = relayOnce().catch((error: unknown) => log.warn({ err: error }, 'outbox relay failed'))
  }, options.relayIntervalMs)
  relayTimer.unref()
  let pruning: Promise<unknown> = Promise.resolve()
  const pruneTimer = setInterval(() => {
    pruning = pruneOnce().then(
      (count) => count > 0 && log.info({ count }, 'delivered outbox events pruned'),
      (error: unknown) => log.warn({ err: error }, 'outbox pruning failed'),
    )
  }, options.pruneIntervalMs)
  pruneTimer.unref()

  return {
    relayOnce,
    pruneOnce,
    async stop() {
      clearInterval(relayTimer)
      clearInterval(pruneTimer)
      await Promise.all([relaying, pruning])
      await boss.stop({ graceful: true, timeout: 5_000 })
    },
  }
}
