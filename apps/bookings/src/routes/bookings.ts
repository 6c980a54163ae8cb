import { ownedBy, requireUser } from '@shipshape/auth'
import {
  type AppDatabase,
  afterCursor,
  cursorParams,
  cursorPlaceholders,
  decodeCursor,
  newestFirst,
  toPage,
} from '@shipshape/db'
import { getRequestDatabase } from '@shipshape/idempotency'
import type { App } from '@shipshape/server'
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm'
import type * as schema from '../db/schema.ts'
import { bookings, resources } from '../db/schema.ts'
import { type BookingRow, getSqlState, holdSlot, isLapsed } from '../domain/booking-store.ts'
import { recordBookingEvent } from '../domain/events.ts'
import { fitsOpeningHours } from '../domain/opening-hours.ts'
import type { Refunder } from '../domain/refunds.ts'
import * as schemas from './bookings.schemas.ts'
import {
  invalidCursor,
  invalidSlot,
  notCancellable,
  notFound,
  outsideOpeningHours,
  slotTaken,
} from './problems.ts'
import { idParams, pageQuery } from './resources.schemas.ts'

const MAX_SLOT_MS = 24 * 60 * 60 * 1000

export type BookingsRoutesOptions = {
  db: AppDatabase<typeof schema>
  holdSeconds: number
  refunder: Refunder
}

function toBooking(row: BookingRow) {
  return {
    id: row.id,
    resourceId: row.resourceId,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    // A lapsed hold reads as expired at once, even before a new booking moves the row itself.
    status: isLapsed(row) ? ('expired' as const) : row.status,
    holdExpiresAt: row.holdExpiresAt.toISOString(),
    refundStatus: row.refundStatus,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

function readSlot(body: { startsAt: string; endsAt: string }) {
  const startsAt = new Date(body.startsAt)
  const endsAt = new Date(body.endsAt)
  if (!(endsAt > startsAt)) throw invalidSlot('endsAt must be after startsAt.')
  if (endsAt.getTime() - startsAt.getTime() > MAX_SLOT_MS) throw invalidSlot('A slot lasts at most 24 hours.')
  if (startsAt.getTime() <= Date.now()) throw invalidSlot('startsAt is in the past.')
  return { startsAt, endsAt }
}

/** A route's part of the OpenAPI document beyond its schema: the rest (401, 400, 429...) is derived. */
const describeRoute = (summary: string, operationId: string, problems: Record<number, string[]> = {}) => ({
  openapi: {
    summary,
    operationId,
    tags: ['bookings'],
    tagDescriptions: { bookings: 'Your bookings: each one visible to its owner only.' },
    problems,
  },
})
const withNotFound = { 404: ['not_found'] }

/**
 * /bookings: hold a slot of a resource (201, `held` until holdExpiresAt; the payment provider's webhook
 * confirms it), list and read your own, cancel. Any signed-in user may book a resource whose id they have.
 * A double booking is refused by PostgreSQL itself (the bookings_no_overlap exclusion constraint) and
 * answered 409 slot_taken; nothing here checks for overlaps, so no race can slip between a check and a write.
 */
export async function bookingsRoutes(
  app: App,
  { db, holdSeconds, refunder }: BookingsRoutesOptions,
): Promise<void> {
  // Every route below needs a session (checked onRequest, before idempotency scopes a key to its caller).
  app.requireSession()
  const mine = (request: Parameters<typeof requireUser>[0], id: string) =>
    and(ownedBy(bookings.ownerId, requireUser(request).id), eq(bookings.id, id))
  // The list's two queries (the first page, a page after a cursor), built and named once: drizzle would build
  // their SQL again on every request, and PostgreSQL parses and plans a named statement once per connection.
  const listPage = (after: SQL | undefined, name: string) =>
    db
      .select()
      .from(bookings)
      .where(and(ownedBy(bookings.ownerId, sql.placeholder('ownerId')), after))
      .orderBy(...newestFirst(bookings))
      .limit(sql.placeholder('limit'))
      .prepare(name)
  const firstPage = listPage(undefined, 'list_bookings_first_page')
  const nextPage = listPage(afterCursor(bookings, cursorPlaceholders), 'list_bookings_next_page')

  app.post(
    '/',
    {
      config: {
        idempotency: true,
        ...describeRoute('Hold a slot of a resource', 'createBooking', {
          404: ['not_found'],
          409: ['slot_taken'],
          422: ['outside_opening_hours', 'invalid_slot'],
        }),
      },
      schema: { body: schemas.createBookingBody, response: { 201: schemas.bookingSchema } },
    },
    async (request, reply) => {
      const { startsAt, endsAt } = readSlot(request.body)
      // Through the request's idempotency transaction: the booking (a savepoint inside it) and the stored
      // response commit together, so a retried request with the same key gets this booking back. While the
      // request holds its Idempotency-Key, `db` itself refuses queries (it is outside that transaction), so
      // the resource is read through it too.
      const requestDb = getRequestDatabase(request, db)
      const [resource] = await requestDb
        .select()
        .from(resources)
        .where(eq(resources.id, request.body.resourceId))
      if (!resource) throw notFound('resource')
      if (!fitsOpeningHours(resource, startsAt, endsAt)) throw outsideOpeningHours()
      try {
        const row = await holdSlot(requestDb, {
          ownerId: requireUser(request).id,
          resourceId: resource.id,
          startsAt,
          endsAt,
          holdSeconds,
        })
        return reply.code(201).header('location', `/bookings/${row.id}`).send(toBooking(row))
      } catch (error) {
        const { code, constraint } = getSqlState(error)
        if (code === '23P01' && constraint === 'bookings_no_overlap') throw slotTaken()
        throw error
      }
    },
  )

  app.get(
    '/',
    {
      config: describeRoute('List your bookings, newest first', 'listBookings'),
      schema: { querystring: pageQuery, response: { 200: schemas.bookingsPage } },
    },
    async (request) => {
      const { limit, cursor } = request.query
      const after = cursor === undefined ? undefined : decodeCursor(cursor)
      if (cursor !== undefined && !after) throw invalidCursor()
      // Keyset pagination, newest first: stable under concurrent inserts, served by the owner's index.
      const page = { ownerId: requireUser(request).id, limit: limit + 1 }
      const rows = after
        ? await nextPage.execute({ ...page, ...cursorParams(after) })
        : await firstPage.execute(page)
      return toPage(rows, limit, toBooking)
    },
  )

  app.get(
    '/:id',
    {
      config: describeRoute('Get one of your bookings', 'getBooking', withNotFound),
      schema: { params: idParams, response: { 200: schemas.bookingSchema } },
    },
    async (request) => {
      const [row] = await db.select().from(bookings).where(mine(request, request.params.id))
      if (!row) throw notFound('booking')
      return toBooking(row)
    },
  )

  // Cancelling frees the slot at once (a cancelled row leaves the exclusion constraint). It is idempotent:
  // cancelling a cancelled booking answers the same 200. The transition is one conditional UPDATE, so it
  // cannot race a confirmation into an impossible state; a paid booking owes a refund from the same write, so
  // the refund is recorded even when the provider cannot be reached now (refundStatus stays `pending` and the
  // sweep in src/domain/refunds.ts sends it later).
  app.post(
    '/:id/cancel',
    {
      config: describeRoute('Cancel one of your bookings (a paid one is refunded)', 'cancelBooking', {
        404: ['not_found'],
        409: ['not_cancellable'],
      }),
      schema: { params: idParams, response: { 200: schemas.bookingSchema } },
    },
    async (request) => {
      // The change and its outbox event commit together (src/domain/events.ts).
      const cancelled = await db.transaction(async (tx) => {
        const [row] = await tx
          .update(bookings)
          .set({
            status: 'cancelled',
            refundStatus: sql`case when ${bookings.status} = 'confirmed' and ${bookings.paymentIntentId} is not null then 'pending' else ${bookings.refundStatus} end`,
            updatedAt: sql`now()`,
          })
          .where(and(mine(request, request.params.id), inArray(bookings.status, ['held', 'confirmed'])))
          .returning()
        if (row) await recordBookingEvent(tx, 'booking.cancelled', row)
        return row
      })
      if (cancelled?.refundStatus === 'pending' && (await refunder.refund(cancelled.id))) {
        return { ...toBooking(cancelled), refundStatus: 'refunded' as const }
      }
      if (cancelled) return toBooking(cancelled)
      const [row] = await db.select().from(bookings).where(mine(request, request.params.id))
      if (!row) throw notFound('booking')
      if (row.status === 'cancelled') return toBooking(row)
      throw notCancellable()
    },
  )
}
