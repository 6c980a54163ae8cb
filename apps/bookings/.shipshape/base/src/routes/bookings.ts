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
import { type App, ProblemError } from '@shipshape/server'
import { and, eq, type SQL, sql } from 'drizzle-orm'
import type * as schema from '../db/schema.ts'
import { bookings } from '../db/schema.ts'
import * as schemas from './bookings.schemas.ts'

type BookingRow = typeof bookings.$inferSelect

const invalidCursor = () =>
  new ProblemError({
    status: 400,
    code: 'validation_failed',
    detail: 'The cursor is not one this service issued.',
  })

const notFound = () =>
  new ProblemError({
    status: 404,
    code: 'not_found',
    detail: 'No booking with that id.',
  })

function toBooking(row: BookingRow) {
  const { id, name, description, createdAt, updatedAt } = row
  return { id, name, description, createdAt, updatedAt }
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
 * CRUD for /bookings, each row visible to its owner only: another user's row is a 404, never a 403, so
 * ids reveal nothing. Every query is parameterized by drizzle; every input and output has a closed schema.
 * Each route is documented at /openapi.json from its schema and `config.openapi`.
 */
export async function bookingsRoutes(app: App, { db }: { db: AppDatabase<typeof schema> }): Promise<void> {
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
      config: { idempotency: true, ...describeRoute('Create a booking', 'createBooking') },
      schema: { body: schemas.createBookingBody, response: { 201: schemas.bookingSchema } },
    },
    async (request, reply) => {
      // Through the request's idempotency transaction: the row and the stored response commit together.
      // While the request holds its Idempotency-Key, `db` itself refuses queries (it is outside that
      // transaction): everything this handler reads or writes goes through getRequestDatabase.
      const [row] = await getRequestDatabase(request, db)
        .insert(bookings)
        .values({ ...request.body, ownerId: requireUser(request).id })
        .returning()
      if (!row) throw new Error('insert returned no row')
      return reply.code(201).send(toBooking(row))
    },
  )

  app.get(
    '/',
    {
      config: describeRoute('List your bookings, newest first', 'listBookings'),
      schema: { querystring: schemas.listBookingsQuery, response: { 200: schemas.bookingsPage } },
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
      schema: { params: schemas.bookingParams, response: { 200: schemas.bookingSchema } },
    },
    async (request) => {
      const [row] = await db.select().from(bookings).where(mine(request, request.params.id))
      if (!row) throw notFound()
      return toBooking(row)
    },
  )

  app.patch(
    '/:id',
    {
      config: describeRoute('Change one of your bookings', 'updateBooking', withNotFound),
      schema: {
        params: schemas.bookingParams,
        body: schemas.updateBookingBody,
        response: { 200: schemas.bookingSchema },
      },
    },
    async (request) => {
      const [row] = await db
        .update(bookings)
        .set({ ...request.body, updatedAt: new Date() })
        .where(mine(request, request.params.id))
        .returning()
      if (!row) throw notFound()
      return toBooking(row)
    },
  )

  app.delete(
    '/:id',
    {
      config: describeRoute('Delete one of your bookings', 'deleteBooking', withNotFound),
      schema: { params: schemas.bookingParams, response: { 204: schemas.noContent } },
    },
    async (request, reply) => {
      const [row] = await db
        .delete(bookings)
        .where(mine(request, request.params.id))
        .returning({ id: bookings.id })
      if (!row) throw notFound()
      return reply.code(204).send(null)
    },
  )
}
