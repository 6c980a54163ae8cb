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
import { preferences } from '../db/schema.ts'
import * as schemas from './preferences.schemas.ts'

type PreferenceRow = typeof preferences.$inferSelect

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
    detail: 'No preference with that id.',
  })

function toPreference(row: PreferenceRow) {
  const { id, name, description, createdAt, updatedAt } = row
  return { id, name, description, createdAt, updatedAt }
}

/** A route's part of the OpenAPI document beyond its schema: the rest (401, 400, 429...) is derived. */
const describeRoute = (summary: string, operationId: string, problems: Record<number, string[]> = {}) => ({
  openapi: {
    summary,
    operationId,
    tags: ['preferences'],
    tagDescriptions: { preferences: 'Your preferences: each one visible to its owner only.' },
    problems,
  },
})
const withNotFound = { 404: ['not_found'] }

/**
 * CRUD for /preferences, each row visible to its owner only: another user's row is a 404, never a 403, so
 * ids reveal nothing. Every query is parameterized by drizzle; every input and output has a closed schema.
 * Each route is documented at /openapi.json from its schema and `config.openapi`.
 */
export async function preferencesRoutes(app: App, { db }: { db: AppDatabase<typeof schema> }): Promise<void> {
  // Every route below needs a session (checked onRequest, before idempotency scopes a key to its caller).
  app.requireSession()
  const mine = (request: Parameters<typeof requireUser>[0], id: string) =>
    and(ownedBy(preferences.ownerId, requireUser(request).id), eq(preferences.id, id))
  // The list's two queries (the first page, a page after a cursor), built and named once: drizzle would build
  // their SQL again on every request, and PostgreSQL parses and plans a named statement once per connection.
  const listPage = (after: SQL | undefined, name: string) =>
    db
      .select()
      .from(preferences)
      .where(and(ownedBy(preferences.ownerId, sql.placeholder('ownerId')), after))
      .orderBy(...newestFirst(preferences))
      .limit(sql.placeholder('limit'))
      .prepare(name)
  const firstPage = listPage(undefined, 'list_preferences_first_page')
  const nextPage = listPage(afterCursor(preferences, cursorPlaceholders), 'list_preferences_next_page')

  app.post(
    '/',
    {
      config: { idempotency: true, ...describeRoute('Create a preference', 'createPreference') },
      schema: { body: schemas.createPreferenceBody, response: { 201: schemas.preferenceSchema } },
    },
    async (request, reply) => {
      // Through the request's idempotency transaction: the row and the stored response commit together.
      // While the request holds its Idempotency-Key, `db` itself refuses queries (it is outside that
      // transaction): everything this handler reads or writes goes through getRequestDatabase.
      const [row] = await getRequestDatabase(request, db)
        .insert(preferences)
        .values({ ...request.body, ownerId: requireUser(request).id })
        .returning()
      if (!row) throw new Error('insert returned no row')
      return reply.code(201).send(toPreference(row))
    },
  )

  app.get(
    '/',
    {
      config: describeRoute('List your preferences, newest first', 'listPreferences'),
      schema: { querystring: schemas.listPreferencesQuery, response: { 200: schemas.preferencesPage } },
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
      return toPage(rows, limit, toPreference)
    },
  )

  app.get(
    '/:id',
    {
      config: describeRoute('Get one of your preferences', 'getPreference', withNotFound),
      schema: { params: schemas.preferenceParams, response: { 200: schemas.preferenceSchema } },
    },
    async (request) => {
      const [row] = await db.select().from(preferences).where(mine(request, request.params.id))
      if (!row) throw notFound()
      return toPreference(row)
    },
  )

  app.patch(
    '/:id',
    {
      config: describeRoute('Change one of your preferences', 'updatePreference', withNotFound),
      schema: {
        params: schemas.preferenceParams,
        body: schemas.updatePreferenceBody,
        response: { 200: schemas.preferenceSchema },
      },
    },
    async (request) => {
      const [row] = await db
        .update(preferences)
        .set({ ...request.body, updatedAt: new Date() })
        .where(mine(request, request.params.id))
        .returning()
      if (!row) throw notFound()
      return toPreference(row)
    },
  )

  app.delete(
    '/:id',
    {
      config: describeRoute('Delete one of your preferences', 'deletePreference', withNotFound),
      schema: { params: schemas.preferenceParams, response: { 204: schemas.noContent } },
    },
    async (request, reply) => {
      const [row] = await db
        .delete(preferences)
        .where(mine(request, request.params.id))
        .returning({ id: preferences.id })
      if (!row) throw notFound()
      return reply.code(204).send(null)
    },
  )
}
