import { users } from '@shipshape/auth/schema'
import { sql } from 'drizzle-orm'
import { check, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/** held → confirmed | cancelled | expired; confirmed → cancelled. Never backwards (src/domain/payments.ts). */
export const bookingStatuses = ['held', 'confirmed', 'cancelled', 'expired'] as const
export const refundStatuses = ['none', 'pending', 'refunded'] as const

// The building blocks' tables, re-exported so that drizzle-kit writes their migrations with this service's.
export { refreshTokens, sessions, users } from '@shipshape/auth/schema'
export { idempotencyKeys } from '@shipshape/idempotency/schema'
export { webhookDeliveries } from '@shipshape/webhooks/schema'

/**
 * A bookable resource (a room, a court, a desk), owned by the user who manages it. Opening hours are wall
 * times in the resource's IANA time zone, one window per ISO weekday (1 = Monday); a booking must fit
 * inside one window. Timestamps keep millisecond precision so that a cursor built from a JavaScript Date
 * points exactly at a row.
 */
export const resources = pgTable(
  'resources',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    timeZone: text('time_zone').notNull().default('UTC'),
    openingHours: jsonb('opening_hours').$type<OpeningWindow[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [index('resources_owner_created_at_id_idx').on(table.ownerId, table.createdAt, table.id)],
)

export type OpeningWindow = { weekday: number; opens: string; closes: string }

/**
 * A booking of one resource for [starts_at, ends_at), owned by the user who made it. It starts `held`
 * until hold_expires_at; the payment provider's webhook confirms it. No two `held` or `confirmed` bookings
 * of one resource overlap: an exclusion constraint says so (drizzle/0002_booking_no_overlap.sql), so the
 * database refuses a double booking whatever the concurrency. An expired hold is moved to `expired` before
 * a new booking of an overlapping slot is inserted, in the same transaction.
 */
export const bookings = pgTable(
  'bookings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    resourceId: uuid('resource_id')
      .notNull()
      .references(() => resources.id, { onDelete: 'cascade' }),
    startsAt: timestamp('starts_at', { withTimezone: true, precision: 3 }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true, precision: 3 }).notNull(),
    status: text('status', { enum: bookingStatuses }).notNull().default('held'),
    holdExpiresAt: timestamp('hold_expires_at', { withTimezone: true, precision: 3 }).notNull(),
    /** The provider's payment for this booking, set by its webhook (src/domain/payments.ts). */
    paymentIntentId: text('payment_intent_id'),
    /** none → pending (paid, then cancelled or too late) → refunded; never backwards. */
    refundStatus: text('refund_status', { enum: refundStatuses }).notNull().default('none'),
    refundId: text('refund_id'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    index('bookings_owner_created_at_id_idx').on(table.ownerId, table.createdAt, table.id),
    // The foreign key's index (a resource's deletion cascades through it) and a resource's bookings by time.
    index('bookings_resource_starts_at_idx').on(table.resourceId, table.startsAt),
    check('bookings_period_valid', sql`${table.endsAt} > ${table.startsAt}`),
    check('bookings_status_known', sql`${table.status} in ('held', 'confirmed', 'cancelled', 'expired')`),
    check('bookings_refund_status_known', sql`${table.refundStatus} in ('none', 'pending', 'refunded')`),
    index('bookings_refund_pending_idx').on(table.id).where(sql`${table.refundStatus} = 'pending'`),
  ],
)

/**
 * The transactional outbox: one row per booking change, inserted in the same transaction as the change, so
 * an event exists exactly when its change committed. src/domain/event-delivery.ts relays unrelayed rows to a
 * pg-boss queue, whose workers deliver them to the notifications service at least once; the row id is the
 * event id the consumer de-duplicates on.
 */
export const bookingEvents = pgTable(
  'booking_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    bookingId: uuid('booking_id').notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    relayedAt: timestamp('relayed_at', { withTimezone: true, precision: 3 }),
    /** Set once notifications answered 2xx; rows delivered longer ago than OUTBOX_RETENTION_HOURS are pruned. */
    deliveredAt: timestamp('delivered_at', { withTimezone: true, precision: 3 }),
    /** W3C traceparent of the request that made the change: delivery continues its trace. */
    traceparent: text('traceparent'),
  },
  (table) => [
    index('booking_events_unrelayed_idx').on(table.createdAt).where(sql`${table.relayedAt} is null`),
    index('booking_events_delivered_idx').on(table.deliveredAt).where(sql`${table.deliveredAt} is not null`),
  ],
)
