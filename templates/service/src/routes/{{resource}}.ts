import { type AppDatabase, decodeCursor, encodeCursor } from '@shipshape/db'
import { type App, ProblemError } from '@shipshape/server'
import { desc, eq, sql } from 'drizzle-orm'
import type * as schema from '../db/schema.ts'
import { {{resource}} } from '../db/schema.ts'
import {
  {{camelCase singular}}Params,
  {{camelCase singular}}Schema,
  {{camelCase resource}}Page,
  create{{pascalCase singular}}Body,
  list{{pascalCase resource}}Query,
  update{{pascalCase singular}}Body,
} from './{{resource}}.schemas.ts'

type {{pascalCase singular}}Row = typeof {{resource}}.$inferSelect

const invalidCursor = () =>
  new ProblemError({
    status: 400,
    code: 'validation_failed',
    title: 'Bad Request',
    detail: 'The cursor is not one this service issued.',
  })

const notFound = () =>
  new ProblemError({ status: 404, code: 'not_found', title: 'Not Found', detail: 'No {{singular}} with that id.' })

function to{{pascalCase singular}}(row: {{pascalCase singular}}Row) {
  return { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() }
}

/** CRUD for /{{resource}}: every query is parameterized by drizzle, every input and output has a closed schema. */
export async function {{camelCase resource}}Routes(app: App, { db }: { db: AppDatabase<typeof schema> }): Promise<void> {
  app.post(
    '/',
    {
      schema: { body: create{{pascalCase singular}}Body, response: { 201: {{camelCase singular}}Schema } },
    },
    async (request, reply) => {
      const [row] = await db.insert({{resource}}).values(request.body).returning()
      if (!row) throw new Error('insert returned no row')
      return reply.code(201).send(to{{pascalCase singular}}(row))
    },
  )

  app.get(
    '/',
    {
      schema: { querystring: list{{pascalCase resource}}Query, response: { 200: {{camelCase resource}}Page } },
    },
    async (request) => {
      const { limit, cursor } = request.query
      const after = cursor === undefined ? undefined : decodeCursor(cursor)
      if (cursor !== undefined && !after) throw invalidCursor()
      // Keyset pagination, newest first: stable under concurrent inserts and served by the (created_at, id) index.
      const rows = await db
        .select()
        .from({{resource}})
        .where(
          after
            ? sql`(${ {{~resource}}.createdAt}, ${ {{~resource}}.id}) < (${after.createdAt}, ${after.id})`
            : undefined,
        )
        .orderBy(desc({{resource}}.createdAt), desc({{resource}}.id))
        .limit(limit + 1)
      const page = rows.slice(0, limit)
      const last = page.at(-1)
      const nextCursor =
        rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null
      return { data: page.map(to{{pascalCase singular}}), nextCursor }
    },
  )

  app.get(
    '/:id',
    {
      schema: { params: {{camelCase singular}}Params, response: { 200: {{camelCase singular}}Schema } },
    },
    async (request) => {
      const [row] = await db.select().from({{resource}}).where(eq({{resource}}.id, request.params.id))
      if (!row) throw notFound()
      return to{{pascalCase singular}}(row)
    },
  )

  app.patch(
    '/:id',
    {
      schema: { params: {{camelCase singular}}Params, body: update{{pascalCase singular}}Body, response: { 200: {{camelCase singular}}Schema } },
    },
    async (request) => {
      const [row] = await db
        .update({{resource}})
        .set({ ...request.body, updatedAt: new Date() })
        .where(eq({{resource}}.id, request.params.id))
        .returning()
      if (!row) throw notFound()
      return to{{pascalCase singular}}(row)
    },
  )

  app.delete('/:id', { schema: { params: {{camelCase singular}}Params } }, async (request, reply) => {
    const [row] = await db
      .delete({{resource}})
      .where(eq({{resource}}.id, request.params.id))
      .returning({ id: {{resource}}.id })
    if (!row) throw notFound()
    return reply.code(204).send()
  })
}
