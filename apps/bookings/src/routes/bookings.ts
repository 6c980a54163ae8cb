import { type AppDatabase, decodeCursor, encodeCursor } from '@shipshape/db'
import { type App, ProblemError } from '@shipshape/server'
import { desc, eq, sql } from 'drizzle-orm'
import type * as schema from '../db/schema.ts'
import { bookings } from '../db/schema.ts'
import {
  bookingParams,
  bookingSchema,
  bookingsPage,
  createBookingBody,
  listBookingsQuery,
  updateBookingBody,
} from './bookings.schemas.ts'

type BookingRow = typeof bookings.$inferSelect

const invalidCursor = () =>
  new ProblemError({
    status: 400,
    code: 'validation_failed',
    title: 'Bad Request',
    detail: 'The cursor is not one this service issued.',
  })

const notFound = () =>
  new ProblemError({ status: 404, code: 'not_found', title: 'Not Found', detail: 'No booking with that id.' })

function toBooking(row: BookingRow) {
  return { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() }
}

/** CRUD for /bookings: every query is parameterized by drizzle, every input and output has a closed schema. */
export async function bookingsRoutes(app: App, { db }: { db: AppDatabase<typeof schema> }): Promise<void> {
  app.post(
    '/',
    {
      schema: { body: createBookingBody, response: { 201: bookingSchema } },
    },
    async (request, reply) => {
      const [row] = await db.insert(bookings).values(request.body).returning()
      if (!row) throw new Error('insert returned no row')
      return reply.code(201).send(toBooking(row))
    },
  )

  app.get(
    '/',
    {
      schema: { querystring: listBookingsQuery, response: { 200: bookingsPage } },
    },
    async (request) => {
      const { limit, cursor } = request.query
      const after = cursor === undefined ? undefined : decodeCursor(cursor)
      if (cursor !== undefined && !after) throw invalidCursor()
      // Keyset pagination, newest first: stable under concurrent inserts and served by the (created_at, id) index.
      const rows = await db
        .select()
        .from(bookings)
        .where(
          after
            ? sql`(${bookings.createdAt}, ${bookings.id}) < (${after.createdAt}, ${after.id})`
            : undefined,
        )
        .orderBy(desc(bookings.createdAt), desc(bookings.id))
        .limit(limit + 1)
      const page = rows.slice(0, limit)
      const last = page.at(-1)
      const nextCursor =
        rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null
      return { data: page.map(toBooking), nextCursor }
    },
  )

  app.get(
    '/:id',
    {
      schema: { params: bookingParams, response: { 200: bookingSchema } },
    },
    async (request) => {
      const [row] = await db.select().from(bookings).where(eq(bookings.id, request.params.id))
      if (!row) throw notFound()
      return toBooking(row)
    },
  )

  app.patch(
    '/:id',
    {
      schema: { params: bookingParams, body: updateBookingBody, response: { 200: bookingSchema } },
    },
    async (request) => {
      const [row] = await db
        .update(bookings)
        .set({ ...request.body, updatedAt: new Date() })
        .where(eq(bookings.id, request.params.id))
        .returning()
      if (!row) throw notFound()
      return toBooking(row)
    },
  )

  app.delete('/:id', { schema: { params: bookingParams } }, async (request, reply) => {
    const [row] = await db
      .delete(bookings)
      .where(eq(bookings.id, request.params.id))
      .returning({ id: bookings.id })
    if (!row) throw notFound()
    return reply.code(204).send()
  })
}
