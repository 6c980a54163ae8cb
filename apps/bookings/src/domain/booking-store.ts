import type { AppDatabase } from '@shipshape/db'
import { and, eq, inArray, sql } from 'drizzle-orm'
import type * as schema from '../db/schema.ts'
import { bookings, resources } from '../db/schema.ts'
import { recordBookingEvent } from './events.ts'

export type BookingRow = typeof bookings.$inferSelect
type Db = AppDatabase<typeof schema>

/** The SQLSTATE of an error or of any error in its `cause` chain (drizzle wraps the driver's error). */
export function getSqlState(error: unknown): { code?: string; constraint?: string } {
  for (let current = error, depth = 0; current instanceof Object && depth < 8; depth++) {
    const { code, constraint, cause } = current as { code?: unknown; constraint?: unknown; cause?: unknown }
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code))
      return { code, ...(typeof constraint === 'string' ? { constraint } : {}) }
    current = cause
  }
  return {}
}

const DEADLOCK = '40P01'
const ATTEMPTS = 3

/**
 * Holds [startsAt, endsAt) of a resource for the user until `now() + holdSeconds`, or throws the database's
 * 23P01 (bookings_no_overlap) when a live booking overlaps. In one (sub)transaction: first the resource's
 * row is locked (`FOR NO KEY UPDATE`: the holds of one resource queue; foreign-key checks and other
 * resources do not wait), then the expired holds that overlap the slot are moved to `expired`, then the row
 * is inserted, and the exclusion constraint decides. Without the queue, overlapping inserts running at once
 * could each wait for the other's row inside the constraint check, and PostgreSQL broke those cycles one a
 * second (deadlock_timeout): under load, a burst ran out of retries (ADR 006). A deadlock with another
 * writer (40P01) is still run again, up to three attempts.
 */
export async function holdSlot(
  db: Db,
  slot: { ownerId: string; resourceId: string; startsAt: Date; endsAt: Date; holdSeconds: number },
): Promise<BookingRow> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        await tx
          .select({ id: resources.id })
          .from(resources)
          .where(eq(resources.id, slot.resourceId))
          .for('no key update')
        const overlaps = sql`tstzrange(${bookings.startsAt}, ${bookings.endsAt}, '[)') && tstzrange(${slot.startsAt.toISOString()}::timestamptz, ${slot.endsAt.toISOString()}::timestamptz, '[)')`
        const expired = tx
          .select({ id: bookings.id })
          .from(bookings)
          .where(
            and(
              eq(bookings.resourceId, slot.resourceId),
              eq(bookings.status, 'held'),
              sql`${bookings.holdExpiresAt} <= now()`,
              overlaps,
            ),
          )
          .orderBy(bookings.id)
          .for('update')
        await tx
          .update(bookings)
          .set({ status: 'expired', updatedAt: sql`now()` })
          .where(inArray(bookings.id, expired))
        const [row] = await tx
          .insert(bookings)
          .values({
            ownerId: slot.ownerId,
            resourceId: slot.resourceId,
            startsAt: slot.startsAt,
            endsAt: slot.endsAt,
            holdExpiresAt: sql`now() + make_interval(secs => ${slot.holdSeconds})`,
          })
          .returning()
        if (!row) throw new Error('insert returned no row')
        await recordBookingEvent(tx, 'booking.held', row)
        return row
      })
    } catch (error) {
      if (attempt < ATTEMPTS && getSqlState(error).code === DEADLOCK) continue
      throw error
    }
  }
}

/** True when a hold has run out: the row may still say `held` until a new booking or a read moves it. */
export function isLapsed(row: BookingRow, now = new Date()): boolean {
  return row.status === 'held' && row.holdExpiresAt <= now
}
