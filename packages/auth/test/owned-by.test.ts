import { and, eq } from 'drizzle-orm'
import { pgTable, text, uuid } from 'drizzle-orm/pg-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ownedBy, requireUser } from '../src/index.ts'
import { buildTestApp, getCookieHeader, jsonHeaders, signUp, type TestApp } from './helpers/test-app.ts'
import { createTestDatabase, type TestDatabase } from './helpers/test-database.ts'

// The sample resource's shape: rows belong to a user.
const notes = pgTable('notes', {
  id: uuid('id').primaryKey().defaultRandom(),
  ownerId: uuid('owner_id').notNull(),
  body: text('body').notNull(),
})

let database: TestDatabase
let test: TestApp

beforeAll(async () => {
  database = await createTestDatabase()
  await database.query(
    'CREATE TABLE notes (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), owner_id uuid NOT NULL REFERENCES users(id), body text NOT NULL)',
  )
  const { db } = database
  test = await buildTestApp(database, {}, async (app) => {
    await app.register(async (scope) => {
      scope.addHook('preHandler', app.authenticate)
      scope.post<{ Body: { body: string } }>('/notes', async (request, reply) => {
        const [row] = await db
          .insert(notes)
          .values({ ownerId: requireUser(request).id, body: request.body.body })
          .returning()
        return reply.code(201).send(row)
      })
      scope.get<{ Params: { id: string } }>('/notes/:id', async (request, reply) => {
        const [row] = await db
          .select()
          .from(notes)
          .where(and(eq(notes.id, request.params.id), ownedBy(notes.ownerId, requireUser(request).id)))
        return row ?? reply.code(404).send({ code: 'not_found' })
      })
    })
  })
})
afterAll(async () => {
  await test?.close()
  await database?.drop()
})

describe('ownedBy', () => {
  it("another user's row is 404, the owner's is 200", async () => {
    const alice = getCookieHeader(await signUp(test.app, 'alice@example.test'))
    const bob = getCookieHeader(await signUp(test.app, 'bob@example.test'))
    const created = await test.app.inject({
      method: 'POST',
      url: '/notes',
      headers: jsonHeaders(alice),
      payload: { body: 'hi' },
    })
    expect(created.statusCode).toBe(201)
    const id = created.json().id
    expect(
      (await test.app.inject({ method: 'GET', url: `/notes/${id}`, headers: { cookie: alice } })).statusCode,
    ).toBe(200)
    const other = await test.app.inject({ method: 'GET', url: `/notes/${id}`, headers: { cookie: bob } })
    expect(other.statusCode).toBe(404)
    expect(other.body).not.toContain('hi')
  })
})
