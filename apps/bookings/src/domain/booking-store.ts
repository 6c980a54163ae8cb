import type { AppDatabase } from '@shipshape/db'
import { and, eq, inArray, sql } from 'drizzle-orm'
import type * as schema from '../db/schema.ts'
import { bookings } from '../db/schema.ts'
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
 * 23P01 (bookings_no_overlap) when a live booking overlaps. In one (sub)transaction: first the expired holds
 * that overlap the slot are moved to `expired` (locked in id order, so two requests never deadlock on
 * them), then the row is inserted, and the exclusion constraint decides. Two inserts of overlapping slots
 * can still deadlock inside the constraint check (each waits for the other's row); PostgreSQL aborts one
 * with 40P01, and that attempt is simply run again: it then meets the winner's row and gets 23P01.
 */
export async function holdSlot(
  db: Db,
  slot: { ownerId: string; resourceId: string; startsAt: Date; endsAt: Date; holdSeconds: number },
): Promise<BookingRow> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
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
