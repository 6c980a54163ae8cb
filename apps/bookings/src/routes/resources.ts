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
import { and, eq, type SQL, sql } from 'drizzle-orm'
import type * as schema from '../db/schema.ts'
import { type OpeningWindow, resources } from '../db/schema.ts'
import { areOpeningHoursValid, defaultOpeningHours, isTimeZone } from '../domain/opening-hours.ts'
import { invalidCursor, invalidField, notFound } from './problems.ts'
import * as schemas from './resources.schemas.ts'

type ResourceRow = typeof resources.$inferSelect

export function toResource(row: ResourceRow) {
  const { id, name, description, timeZone, openingHours, createdAt, updatedAt } = row
  return {
    id,
    name,
    description,
    timeZone,
    openingHours,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  }
}

/** What the schemas cannot say: a zone this runtime knows, and windows that open before they close. */
function checkCalendar(body: { timeZone?: string; openingHours?: OpeningWindow[] }): void {
  if (body.timeZone !== undefined && !isTimeZone(body.timeZone))
    throw invalidField('timeZone is not an IANA time zone.')
  if (body.openingHours !== undefined && !areOpeningHoursValid(body.openingHours))
    throw invalidField('Each opening window must open before it closes, without overlapping another.')
}

/** A route's part of the OpenAPI document beyond its schema: the rest (401, 400, 429...) is derived. */
const describeRoute = (summary: string, operationId: string, problems: Record<number, string[]> = {}) => ({
  openapi: {
    summary,
    operationId,
    tags: ['resources'],
    tagDescriptions: {
      resources: 'What can be booked: managed by its owner, booked by id by anyone signed in.',
    },
    problems,
  },
})
const withNotFound = { 404: ['not_found'] }

/**
 * CRUD for /resources (what can be booked), each row managed by its owner only: another user's row is a
 * 404, never a 403, so ids reveal nothing. Booking a resource needs only its id (routes/bookings.ts).
 */
export async function resourcesRoutes(app: App, { db }: { db: AppDatabase<typeof schema> }): Promise<void> {
  // Every route below needs a session (checked onRequest, before idempotency scopes a key to its caller).
  app.requireSession()
  const mine = (request: Parameters<typeof requireUser>[0], id: string) =>
    and(ownedBy(resources.ownerId, requireUser(request).id), eq(resources.id, id))
  // The list's two queries (the first page, a page after a cursor), built and named once: drizzle would build
  // their SQL again on every request, and PostgreSQL parses and plans a named statement once per connection.
  const listPage = (after: SQL | undefined, name: string) =>
    db
      .select()
      .from(resources)
      .where(and(ownedBy(resources.ownerId, sql.placeholder('ownerId')), after))
      .orderBy(...newestFirst(resources))
      .limit(sql.placeholder('limit'))
      .prepare(name)
  const firstPage = listPage(undefined, 'list_resources_first_page')
  const nextPage = listPage(afterCursor(resources, cursorPlaceholders), 'list_resources_next_page')

  app.post(
    '/',
    {
      config: { idempotency: true, ...describeRoute('Create a resource', 'createResource') },
      schema: { body: schemas.createResourceBody, response: { 201: schemas.resourceSchema } },
    },
    async (request, reply) => {
      checkCalendar(request.body)
      // Through the request's idempotency transaction: the row and the stored response commit together.
      // While the request holds its Idempotency-Key, `db` itself refuses queries (it is outside that
      // transaction): everything this handler reads or writes goes through getRequestDatabase.
      const [row] = await getRequestDatabase(request, db)
        .insert(resources)
        .values({
          openingHours: defaultOpeningHours,
          ...request.body,
          ownerId: requireUser(request).id,
        })
        .returning()
      if (!row) throw new Error('insert returned no row')
      return reply.code(201).send(toResource(row))
    },
  )

  app.get(
    '/',
    {
      config: describeRoute('List your resources, newest first', 'listResources'),
      schema: { querystring: schemas.pageQuery, response: { 200: schemas.resourcesPage } },
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
      return toPage(rows, limit, toResource)
    },
  )

  app.get(
    '/:id',
    {
      config: describeRoute('Get one of your resources', 'getResource', withNotFound),
      schema: { params: schemas.idParams, response: { 200: schemas.resourceSchema } },
    },
    async (request) => {
      const [row] = await db.select().from(resources).where(mine(request, request.params.id))
      if (!row) throw notFound('resource')
      return toResource(row)
    },
  )

  app.patch(
    '/:id',
    {
      config: describeRoute('Change one of your resources', 'updateResource', withNotFound),
      schema: {
        params: schemas.idParams,
        body: schemas.updateResourceBody,
        response: { 200: schemas.resourceSchema },
      },
    },
    async (request) => {
      checkCalendar(request.body)
      // New hours apply to new bookings; the ones already made keep their slot.
      const [row] = await db
        .update(resources)
        .set({ ...request.body, updatedAt: new Date() })
        .where(mine(request, request.params.id))
        .returning()
      if (!row) throw notFound('resource')
      return toResource(row)
    },
  )

  app.delete(
    '/:id',
    {
      config: describeRoute(
        'Delete one of your resources (and its bookings)',
        'deleteResource',
        withNotFound,
      ),
      schema: { params: schemas.idParams, response: { 204: schemas.noContent } },
    },
    async (request, reply) => {
      const [row] = await db
        .delete(resources)
        .where(mine(request, request.params.id))
        .returning({ id: resources.id })
      if (!row) throw notFound('resource')
      return reply.code(204).send(null)
    },
  )
}
