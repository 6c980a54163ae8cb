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
import { {{resource}} } from '../db/schema.ts'
import * as schemas from './{{resource}}.schemas.ts'

type {{pascalCase singular}}Row = typeof {{resource}}.$inferSelect

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
    detail: 'No {{singular}} with that id.',
  })

function to{{pascalCase singular}}(row: {{pascalCase singular}}Row) {
  const { id, name, description, createdAt, updatedAt } = row
  return { id, name, description, createdAt, updatedAt }
}

/** A route's part of the OpenAPI document beyond its schema: the rest (401, 400, 429...) is derived. */
const describeRoute = (summary: string, operationId: string, problems: Record<number, string[]> = {}) => ({
  openapi: {
    summary,
    operationId,
    tags: ['{{resource}}'],
    tagDescriptions: { {{resource}}: 'Your {{resource}}: each one visible to its owner only.' },
    problems,
  },
})
const withNotFound = { 404: ['not_found'] }

/**
 * CRUD for /{{resource}}, each row visible to its owner only: another user's row is a 404, never a 403, so
 * ids reveal nothing. Every query is parameterized by drizzle; every input and output has a closed schema.
 * Each route is documented at /openapi.json from its schema and `config.openapi`.
 */
export async function {{camelCase resource}}Routes(app: App, { db }: { db: AppDatabase<typeof schema> }): Promise<void> {
  // Every route below needs a session (checked onRequest, before idempotency scopes a key to its caller).
  app.requireSession()
  const mine = (request: Parameters<typeof requireUser>[0], id: string) =>
    and(ownedBy({{resource}}.ownerId, requireUser(request).id), eq({{resource}}.id, id))
  // The list's two queries (the first page, a page after a cursor), built and named once: drizzle would build
  // their SQL again on every request, and PostgreSQL parses and plans a named statement once per connection.
  const listPage = (after: SQL | undefined, name: string) =>
    db
      .select()
      .from({{resource}})
      .where(and(ownedBy({{resource}}.ownerId, sql.placeholder('ownerId')), after))
      .orderBy(...newestFirst({{resource}}))
      .limit(sql.placeholder('limit'))
      .prepare(name)
  const firstPage = listPage(undefined, 'list_{{snakeCase resource}}_first_page')
  const nextPage = listPage(afterCursor({{resource}}, cursorPlaceholders), 'list_{{snakeCase resource}}_next_page')

  app.post(
    '/',
    {
      config: { idempotency: true, ...describeRoute('Create a {{singular}}', 'create{{pascalCase singular}}') },
      schema: { body: schemas.create{{pascalCase singular}}Body, response: { 201: schemas.{{camelCase singular}}Schema } },
    },
    async (request, reply) => {
      // Through the request's idempotency transaction: the row and the stored response commit together.
      // While the request holds its Idempotency-Key, `db` itself refuses queries (it is outside that
      // transaction): everything this handler reads or writes goes through getRequestDatabase.
      const [row] = await getRequestDatabase(request, db)
        .insert({{resource}})
        .values({ ...request.body, ownerId: requireUser(request).id })
        .returning()
      if (!row) throw new Error('insert returned no row')
      return reply.code(201).send(to{{pascalCase singular}}(row))
    },
  )

  app.get(
    '/',
    {
      config: describeRoute('List your {{resource}}, newest first', 'list{{pascalCase resource}}'),
      schema: { querystring: schemas.list{{pascalCase resource}}Query, response: { 200: schemas.{{camelCase resource}}Page } },
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
      return toPage(rows, limit, to{{pascalCase singular}})
    },
  )

  app.get(
    '/:id',
    {
      config: describeRoute('Get one of your {{resource}}', 'get{{pascalCase singular}}', withNotFound),
      schema: { params: schemas.{{camelCase singular}}Params, response: { 200: schemas.{{camelCase singular}}Schema } },
    },
    async (request) => {
      const [row] = await db.select().from({{resource}}).where(mine(request, request.params.id))
      if (!row) throw notFound()
      return to{{pascalCase singular}}(row)
    },
  )

  app.patch(
    '/:id',
    {
      config: describeRoute('Change one of your {{resource}}', 'update{{pascalCase singular}}', withNotFound),
      schema: {
        params: schemas.{{camelCase singular}}Params,
        body: schemas.update{{pascalCase singular}}Body,
        response: { 200: schemas.{{camelCase singular}}Schema },
      },
    },
    async (request) => {
      const [row] = await db
        .update({{resource}})
        .set({ ...request.body, updatedAt: new Date() })
        .where(mine(request, request.params.id))
        .returning()
      if (!row) throw notFound()
      return to{{pascalCase singular}}(row)
    },
  )

  app.delete(
    '/:id',
    {
      config: describeRoute('Delete one of your {{resource}}', 'delete{{pascalCase singular}}', withNotFound),
      schema: { params: schemas.{{camelCase singular}}Params, response: { 204: schemas.noContent } },
    },
    async (request, reply) => {
      const [row] = await db
        .delete({{resource}})
        .where(mine(request, request.params.id))
        .returning({ id: {{resource}}.id })
      if (!row) throw notFound()
      return reply.code(204).send(null)
    },
  )
}
