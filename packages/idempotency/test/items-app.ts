import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { createDatabase } from '@shipshape/db'
import type { App } from '@shipshape/server'
import { createServer } from '@shipshape/server'
import { createTestDatabase, type PostgresTestDatabase } from '@shipshape/testing'
import { sql } from 'drizzle-orm'
import { pgTable, text, uuid } from 'drizzle-orm/pg-core'
import type { IdempotencyOptions } from '../src/options.ts'
import { idempotencyPlugin } from '../src/plugin.ts'
import { getRequestDatabase } from '../src/request-database.ts'

export const testItems = pgTable('test_items', { id: uuid('id').primaryKey(), name: text('name').notNull() })

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url))

/** A fresh PostgreSQL database with the package's migration and the test resource table. */
export async function createItemsDatabase(): Promise<PostgresTestDatabase> {
  const database = await createTestDatabase({ migrationsFolder, requirePostgres: true })
  await database.query('create table test_items (id uuid primary key, name text not null)')
  return database
}

export interface ItemsAppOptions {
  readonly url: string
  /** Time the handler spends inside its transaction after writing the effect. */
  readonly delayMs?: number
  /** Called once the effect is written. */
  readonly onEffect?: () => void
  /** The handler waits for this after writing the effect (a hung handler). */
  readonly hold?: Promise<unknown>
  readonly plugin?: Partial<IdempotencyOptions>
  /** Fastify's handlerTimeout on POST /slow: it answers 503 while the handler keeps running. */
  readonly handlerTimeoutMs?: number
  /** false leaves the app ready but not listening (baseUrl is then ''), as a service's buildApp returns it. */
  readonly listen?: boolean
}

export interface ItemsApp {
  readonly app: App
  readonly baseUrl: string
  countItems(): Promise<number>
  close(): Promise<void>
}

/**
 * A service as the generator builds it (createServer + createDatabase), with the resource under test: POST /items creates a row in test_items through getRequestDatabase. Headers
 * steer it without changing the fingerprint: x-test-user sets request.user, x-fail answers 500 after the
 * write, x-reject answers 409 after the write. POST /slow (no body: Fastify 5.12's handlerTimeout only
 * fires for bodiless requests) writes a row, waits a second and writes another.
 */
export async function startItemsApp(options: ItemsAppOptions): Promise<ItemsApp> {
  const database = await createDatabase({ url: options.url, pool: { max: 10 } })
  const { db } = database
  const app = await createServer({
    name: 'idempotency-test',
    logger: { level: 'silent' },
    rateLimit: false,
    underPressure: false,
  })
  app.addHook('onRequest', async (request) => {
    const user = request.headers['x-test-user']
    if (typeof user === 'string') Reflect.set(request, 'user', { id: user })
  })
  await app.register(idempotencyPlugin, { db, cleanupIntervalMs: false, ...options.plugin })
  const bodySchema = {
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties: { name: { type: 'string' } },
  }
  const route = { schema: { body: bodySchema } }
  app.post<{ Body: { name: string } }>(
    '/items',
    { ...route, config: { idempotency: true } },
    async (request, reply) => {
      const id = randomUUID()
      await getRequestDatabase(request, db).insert(testItems).values({ id, name: request.body.name })
      options.onEffect?.()
      await options.hold
      if (options.delayMs !== undefined) await sleep(options.delayMs)
      if (request.headers['x-fail'] !== undefined) return reply.code(500).send({ error: 'boom' })
      if (request.headers['x-reject'] !== undefined) return reply.code(409).send({ code: 'conflict', id })
      reply.code(201).header('location', `/items/${id}`).header('x-not-stored', id)
      return { id, name: request.body.name, createdAt: new Date().toISOString() }
    },
  )
  app.post<{ Body: { name: string } }>('/plain', route, async (request, reply) => {
    const id = randomUUID()
    await getRequestDatabase(request, db).insert(testItems).values({ id, name: request.body.name })
    return reply.code(201).send({ id })
  })
  app.post(
    '/slow',
    { config: { idempotency: true }, handlerTimeout: options.handlerTimeoutMs ?? 60_000 },
    async (request) => {
      await getRequestDatabase(request, db).insert(testItems).values({ id: randomUUID(), name: 'early' })
      await sleep(1000)
      await getRequestDatabase(request, db).insert(testItems).values({ id: randomUUID(), name: 'late' })
      return { done: true }
    },
  )
  const address = options.listen === false ? '' : await app.listen({ host: '127.0.0.1', port: 0 })
  return {
    app,
    baseUrl: address,
    async countItems() {
      const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(testItems)
      return row?.count ?? 0
    },
    async close() {
      await app.close()
      await database.close()
    },
  }
}

/** POSTs JSON with an Idempotency-Key and returns status, headers and the body text. */
export async function postItem(baseUrl: string, key: string | undefined, body: unknown, headers = {}) {
  const response = await fetch(`${baseUrl}/items`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
      ...headers,
    },
    body: JSON.stringify(body),
  })
  return { status: response.status, headers: response.headers, text: await response.text() }
}
