import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { Database } from '@shipshape/db'
import { createDatabase, runMigrations } from '@shipshape/db'
import type { App } from '@shipshape/server'
import { createServer } from '@shipshape/server'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postItem, testItems } from '../test/items-app.ts'
import { idempotencyPlugin } from './plugin.ts'
import { getRequestDatabase } from './request-database.ts'

// The embedded database a service uses in development: one connection, so transactions queue.
let database: Database
let app: App
let baseUrl: string

beforeAll(async () => {
  database = await createDatabase()
  await runMigrations(database, { migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)) })
  const { db } = database
  await db.execute(sql`create table test_items (id uuid primary key, name text not null)`)
  app = await createServer({ name: 'idempotency-pglite', logger: { level: 'silent' }, rateLimit: false })
  await app.register(idempotencyPlugin, { db, cleanupIntervalMs: false })
  app.post<{ Body: { name: string } }>(
    '/items',
    { config: { idempotency: true } },
    async (request, reply) => {
      const id = randomUUID()
      await getRequestDatabase(request, db).insert(testItems).values({ id, name: request.body.name })
      return reply.code(201).send({ id })
    },
  )
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 })
})

afterAll(async () => {
  await app?.close()
  await database?.close()
})

describe('on PGlite', () => {
  it('concurrent requests queue behind the first and replay it; a reused key is refused; one effect', async () => {
    const key = randomUUID()
    const answers = await Promise.all([1, 2, 3].map(() => postItem(baseUrl, key, { name: 'embedded' })))
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201])
    expect(new Set(answers.map((answer) => answer.text)).size).toBe(1)
    expect((await postItem(baseUrl, key, { name: 'other' })).status).toBe(422)
    const [row] = await database.db.select({ count: sql<number>`count(*)::int` }).from(testItems)
    expect(row?.count).toBe(1)
  })
})
