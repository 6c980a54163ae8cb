import { randomUUID } from 'node:crypto'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { createDatabase, type Database, runMigrations } from '@shipshape/db'
import { type App, createServer } from '@shipshape/server'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testItems } from './_test-app.ts'
import { createTestDatabase, type TestDatabase } from './_test-database.ts'
import { idempotency } from './plugin.ts'
import { getRequestDatabase } from './request-database.ts'

// A handler of an idempotent route that queries through the root `db` instead of getRequestDatabase: on
// PostgreSQL its write commits on another pooled connection, outside the key's transaction, so a failed
// request keeps its effect and the client's retry makes a second one. The plugin refuses such a query
// while the request holds its key.
interface Harness {
  app: App
  logs: string[]
  count(name: string): Promise<number>
  close(): Promise<void>
}

async function startHarness(database: Database): Promise<Harness> {
  const { db } = database
  const logs: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk))
      done()
    },
  })
  const app = await createServer({
    name: 'idempotency-root-db',
    logger: { level: 'error', stream },
    rateLimit: false,
    underPressure: false,
  })
  await app.register(idempotency, { db, cleanupIntervalMs: false })
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
    logs,
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

    it('cannot write through the root db: 500, nothing committed, and the log says which database to use', async () => {
      const name = `escape-${randomUUID()}`
      const key = randomUUID()
      const response = await post(harness, name, { 'idempotency-key': key, 'x-through': 'db', 'x-fail': '1' })
      expect(response.statusCode).toBe(500)
      expect(await harness.count(name)).toBe(0)
      expect(harness.logs.join('\n')).toContain('getRequestDatabase(request, db)')
      // The key was released with the rollback: a corrected retry runs (and is refused the same way here).
      const retry = await post(harness, name, { 'idempotency-key': key, 'x-through': 'db' })
      expect(retry.statusCode).toBe(500)
      expect(await harness.count(name)).toBe(0)
    })

    it('cannot read through the root db either: it is outside the transaction too', async () => {
      const name = `read-${randomUUID()}`
      const response = await post(harness, name, { 'idempotency-key': randomUUID(), 'x-read-root': '1' })
      expect(response.statusCode).toBe(500)
      expect(await harness.count(name)).toBe(0)
    })

    it('writes through getRequestDatabase, and a failure rolls the effect back', async () => {
      const kept = `kept-${randomUUID()}`
      expect((await post(harness, kept, { 'idempotency-key': randomUUID() })).statusCode).toBe(201)
      expect(await harness.count(kept)).toBe(1)
      const failed = `failed-${randomUUID()}`
      const response = await post(harness, failed, { 'idempotency-key': randomUUID(), 'x-fail': '1' })
      expect(response.statusCode).toBe(500)
      expect(await harness.count(failed)).toBe(0)
    })

    it('without a key there is no transaction to escape: the root db is the request database', async () => {
      const name = `keyless-${randomUUID()}`
      expect((await post(harness, name, { 'x-through': 'db', 'x-read-root': '1' })).statusCode).toBe(201)
      expect(await harness.count(name)).toBe(1)
    })
  })
}

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url))
let scratch: TestDatabase | undefined
afterAll(async () => {
  await scratch?.drop()
})

describeRootDatabaseGuard('PostgreSQL', async () => {
  scratch = await createTestDatabase(process.env.PG_ADMIN_URL)
  return createDatabase({ url: scratch.url, pool: { max: 5 } })
})

describeRootDatabaseGuard('PGlite', async () => {
  const database = await createDatabase()
  await runMigrations(database, { migrationsFolder })
  await database.db.execute(sql`create table test_items (id uuid primary key, name text not null)`)
  return database
})
