import type { AppDatabase } from '@shipshape/db'
import { type OutboundClient, OutboundUnavailableError } from '@shipshape/outbound'
import { and, asc, eq, sql } from 'drizzle-orm'
import type * as schema from '../db/schema.ts'
import { bookings } from '../db/schema.ts'

type Logger = { info(object: object, message: string): void; warn(object: object, message: string): void }

export type Refunder = {
  /** Asks the provider to refund one booking whose refund is pending; true once it is refunded. */
  refund(bookingId: string): Promise<boolean>
  /** One pass over every pending refund, oldest first; returns how many were settled. */
  retryPending(): Promise<number>
  /** Runs retryPending every `intervalMs` until stop(). */
  start(intervalMs: number): void
  stop(): Promise<void>
}

/**
 * Refunds through the payment provider. The state lives in the database (`refund_status = 'pending'` is
 * written in the same UPDATE as the cancellation), so a refund the provider could not take now (down, slow,
 * circuit open) is not lost: the sweep tries again until it goes through. Every attempt for a booking sends
 * the same Idempotency-Key, so however often it is sent (retries, two sweeps, two instances) the provider
 * refunds once; that key is also what lets @shipshape/outbound retry a POST at all.
 */
export function createRefunder(options: {
  db: AppDatabase<typeof schema>
  client: OutboundClient
  apiKey: string
  log: Logger
}): Refunder {
  const { db, client, log } = options
  let timer: NodeJS.Timeout | undefined
  let sweep: Promise<number> | undefined

  async function refund(bookingId: string): Promise<boolean> {
    const [row] = await db
      .select({ paymentIntentId: bookings.paymentIntentId })
      .from(bookings)
      .where(and(eq(bookings.id, bookingId), eq(bookings.refundStatus, 'pending')))
    if (!row?.paymentIntentId) return false
    try {
      const response = await client.request({
        method: 'POST',
        path: '/v1/refunds',
        body: { payment_intent: row.paymentIntentId, metadata: { booking_id: bookingId } },
        headers: { authorization: `Bearer ${options.apiKey}` },
        idempotencyKey: `refund-${bookingId}`,
      })
      const refundId = (response.body as { id?: unknown } | null)?.id
      if (response.status >= 300 || typeof refundId !== 'string') {
        log.warn(
          { bookingId, status: response.status },
          'refund refused by the payment provider; kept pending',
        )
        return false
      }
      await db
        .update(bookings)
        .set({ refundStatus: 'refunded', refundId, updatedAt: sql`now()` })
        .where(and(eq(bookings.id, bookingId), eq(bookings.refundStatus, 'pending')))
      return true
    } catch (error) {
      if (!(error instanceof OutboundUnavailableError)) throw error
      log.warn({ bookingId, reason: error.reason }, 'payment provider unavailable; refund kept pending')
      return false
    }
  }

  async function runSweep(): Promise<number> {
    const pending = await db
      .select({ id: bookings.id })
      .from(bookings)
      .where(eq(bookings.refundStatus, 'pending'))
      .orderBy(asc(bookings.updatedAt))
      .limit(100)
    let settled = 0
    for (const { id } of pending) if (await refund(id)) settled++
    return settled
  }

  // One sweep at a time per process: a slow provider must not pile sweeps up.
  function retryPending(): Promise<number> {
    sweep ??= runSweep().finally(() => {
      sweep = undefined
    })
    return sweep
  }

  return {
    refund,
    retryPending,
    start(intervalMs) {
      timer = setInterval(() => {
        retryPending().catch((error: unknown) => log.warn({ err: error }, 'refund sweep failed'))
      }, intervalMs)
      timer.unref()
    },
    async stop() {
      clearInterval(timer)
      await sweep?.catch(() => undefined)
    },
  }
}
