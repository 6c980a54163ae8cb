import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { createDatabase, type Database, runMigrations } from '@shipshape/db'
import { type App, createServer } from '@shipshape/server'
import type { PostgresTestDatabase } from '@shipshape/testing'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createItemsDatabase, testItems } from '../test/items-app.ts'
import { idempotencyPlugin } from './plugin.ts'
import { getRequestDatabase } from './request-database.ts'

// A handler of an idempotent route that queries through the root `db` instead of getRequestDatabase: on
// PostgreSQL its write commits on another pooled connection, outside the key's transaction, so a failed
// request keeps its effect and the client's retry makes a second one. The plugin refuses such a query
// while the request holds its key.
interface Harness {
  app: App
  /** Errors the routes threw, as the server's error handler received them. */
  errors: unknown[]
  count(name: string): Promise<number>
  close(): Promise<void>
}

async function startHarness(database: Database): Promise<Harness> {
  const { db } = database
  const errors: unknown[] = []
  const app = await createServer({
    name: 'idempotency-root-db',
    logger: { level: 'silent' },
    rateLimit: false,
    underPressure: false,
  })
  app.addHook('onError', async (_request, _reply, error) => {
    errors.push(error)
  })
  await app.register(idempotencyPlugin, { db, cleanupIntervalMs: false })
  const body = {
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties: { name: { type: 'string' } },
  }
  // x-through: db writes through the root database; x-read-root reads through it; x-fail answers 500 after.
  app.post<{ Body: { name: string } }>(
    '/items',
    { config: { idempotency: true }, schema: { body } },
    async (request, reply) => {
      const row = { id: randomUUID(), name: request.body.name }
      if (request.headers['x-read-root'] !== undefined) await db.select().from(testItems).limit(1)
      if (request.headers['x-through'] === 'db') await db.insert(testItems).values(row)
      else await getRequestDatabase(request, db).insert(testItems).values(row)
      if (request.headers['x-fail'] !== undefined) return reply.code(500).send({ error: 'failed after' })
      return reply.code(201).send(row)
    },
  )
  await app.ready()
  return {
    app,
    errors,
    async count(name) {
      const [row] = await db
        .select({ count: sql<number>`count(*)::int` })
        .from(testItems)
        .where(eq(testItems.name, name))
      return row?.count ?? 0
    },
    close: () => app.close(),
  }
}

const post = (harness: Harness, name: string, headers: Record<string, string>) =>
  harness.app.inject({ method: 'POST', url: '/items', headers, payload: { name } })

function describeRootDatabaseGuard(label: string, setup: () => Promise<Database>) {
  describe(`an idempotent handler holding a key, on ${label}`, () => {
    let database: Database
    let harness: Harness
    beforeAll(async () => {
      database = await setup()
      harness = await startHarness(database)
    })
    afterAll(async () => {
      await harness?.close()
      await database?.close()
    })

    it.each([
      ['write through the root db (and then fail)', { 'x-through': 'db', 'x-fail': '1' }],
      ['read through the root db', { 'x-read-root': '1' }],
    ])(
      'cannot %s: 500, nothing committed, an OptionsError naming the request database',
      async (_, headers) => {
        const name = `refused-${randomUUID()}`
        const key = randomUUID()
        harness.errors.length = 0
        const response = await post(harness, name, { 'idempotency-key': key, ...headers })
        expect(response.statusCode).toBe(500)
        expect(await harness.count(name)).toBe(0)
        expect(harness.errors).toEqual([
          expect.objectContaining({
            name: 'OptionsError',
            code: 'SHIPSHAPE_IDEMPOTENCY_ROOT_DATABASE_REFUSED',
          }),
        ])
        expect(String(harness.errors[0])).toContain('getRequestDatabase(request, db)')
        // The rollback released the key: the retry runs again, and is refused again, with no effect.
        expect((await post(harness, name, { 'idempotency-key': key, ...headers })).statusCode).toBe(500)
        expect(await harness.count(name)).toBe(0)
      },
    )

    it('writes through getRequestDatabase: kept with a 201, rolled back with a 500', async () => {
      const [kept, failed] = [`kept-${randomUUID()}`, `failed-${randomUUID()}`]
      expect((await post(harness, kept, { 'idempotency-key': randomUUID() })).statusCode).toBe(201)
      const response = await post(harness, failed, { 'idempotency-key': randomUUID(), 'x-fail': '1' })
      expect(response.statusCode).toBe(500)
      expect([await harness.count(kept), await harness.count(failed)]).toEqual([1, 0])
    })

    it('without a key there is no transaction to escape: the root db is the request database', async () => {
      const name = `keyless-${randomUUID()}`
      expect((await post(harness, name, { 'x-through': 'db', 'x-read-root': '1' })).statusCode).toBe(201)
      expect(await harness.count(name)).toBe(1)
    })
  })
}

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url))
let scratch: PostgresTestDatabase | undefined
afterAll(async () => {
  await scratch?.destroy()
})

describeRootDatabaseGuard('PostgreSQL', async () => {
  scratch = await createItemsDatabase()
  return createDatabase({ url: scratch.url, pool: { max: 5 } })
})

describeRootDatabaseGuard('PGlite', async () => {
  const database = await createDatabase()
  await runMigrations(database, { migrationsFolder })
  await database.db.execute(sql`create table test_items (id uuid primary key, name text not null)`)
  return database
})
