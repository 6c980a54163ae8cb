import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { OptionsError } from '@shipshape/errors'
import type { PostgresTestDatabase } from '@shipshape/testing'
import { endPool } from '@shipshape/testing/postgres'
import { eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import Fastify from 'fastify'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createItemsDatabase, postItem, startItemsApp } from '../test/items-app.ts'
import { deleteExpiredIdempotencyKeys } from './cleanup.ts'
import { idempotencyPlugin } from './plugin.ts'
import { idempotencyKeys } from './schema.ts'

let database: PostgresTestDatabase
let pool: pg.Pool
let db: ReturnType<typeof drizzle>

beforeAll(async () => {
  database = await createItemsDatabase()
  pool = new pg.Pool({ connectionString: database.url, max: 2 })
  db = drizzle(pool)
})

afterAll(async () => {
  if (pool !== undefined) await endPool(pool)
  await database?.destroy()
})

async function insertKey(key: string, expiresIn: string, fingerprint = 'f') {
  await db.insert(idempotencyKeys).values({
    scope: 'ip:127.0.0.1',
    key,
    fingerprint,
    status: 'completed',
    responseStatus: 201,
    responseHeaders: {},
    responseBody: Buffer.from('{}'),
    expiresAt: sql`now() + ${expiresIn}::interval`,
  })
}

async function hasKey(key: string): Promise<boolean> {
  const rows = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key))
  return rows.length > 0
}

describe('deleteExpiredIdempotencyKeys', () => {
  it('removes expired keys only', async () => {
    const [expired, fresh] = [randomUUID(), randomUUID()]
    await insertKey(expired, '-1 second')
    await insertKey(fresh, '1 hour')
    expect(await deleteExpiredIdempotencyKeys(db)).toBe(1)
    expect(await hasKey(expired)).toBe(false)
    expect(await hasKey(fresh)).toBe(true)
  })

  it('takes `now` to expire against', async () => {
    const key = randomUUID()
    const hour = 60 * 60 * 1000
    await insertKey(key, '30 hours')
    await deleteExpiredIdempotencyKeys(db, { now: new Date(Date.now() + 29 * hour) })
    expect(await hasKey(key)).toBe(true)
    expect(
      await deleteExpiredIdempotencyKeys(db, { now: new Date(Date.now() + 31 * hour) }),
    ).toBeGreaterThanOrEqual(1)
    expect(await hasKey(key)).toBe(false)
  })
})

describe('retention', () => {
  it('keeps a completed key at least 24 hours', async () => {
    const test = await startItemsApp({ url: database.url })
    try {
      const key = randomUUID()
      expect((await postItem(test.baseUrl, key, { name: 'kept' })).status).toBe(201)
      const [row] = await db
        .select({ hours: sql<number>`extract(epoch from ${idempotencyKeys.expiresAt} - now()) / 3600` })
        .from(idempotencyKeys)
        .where(eq(idempotencyKeys.key, key))
      expect(Number(row?.hours)).toBeGreaterThan(23.9)
    } finally {
      await test.close()
    }
  })

  it('an expired key is free again: the same key with another body runs instead of 422', async () => {
    const test = await startItemsApp({ url: database.url })
    try {
      const key = randomUUID()
      await insertKey(key, '-1 second', 'an old request')
      const response = await postItem(test.baseUrl, key, { name: 'new' })
      expect(response.status).toBe(201)
      expect(response.headers.get('idempotent-replayed')).toBeNull()
    } finally {
      await test.close()
    }
  })

  it('refuses a retention under 24 hours at registration', async () => {
    const app = Fastify({ logger: false })
    app.register(idempotencyPlugin, { db, retentionMs: 60 * 60 * 1000 })
    const error = await app.ready().then(
      () => undefined,
      (cause: unknown) => cause,
    )
    expect(error).toBeInstanceOf(OptionsError)
    expect(error).toMatchObject({ code: 'SHIPSHAPE_IDEMPOTENCY_OPTIONS_INVALID' })
    await app.close()
  })
})

describe('the cleanup interval', () => {
  it('runs while the app is up and stops when it closes', async () => {
    const app = Fastify({ logger: false })
    await app.register(idempotencyPlugin, { db, cleanupIntervalMs: 20 })
    await app.ready()
    const during = randomUUID()
    await insertKey(during, '-1 second')
    const deadline = Date.now() + 10_000
    while ((await hasKey(during)) && Date.now() < deadline) await sleep(20)
    expect(await hasKey(during)).toBe(false)
    await app.close()
    const after = randomUUID()
    await insertKey(after, '-1 second')
    await sleep(200)
    expect(await hasKey(after)).toBe(true)
  })

  it('closing waits for a cleanup in flight, so nothing is deleted after the app has closed', async () => {
    const app = Fastify({ logger: false })
    await app.register(idempotencyPlugin, { db, cleanupIntervalMs: 20 })
    await app.ready()
    // Another session holds the table: the next cleanup run blocks on it, in flight.
    const holder = await pool.connect()
    let closed = false
    try {
      await holder.query('BEGIN')
      await holder.query('LOCK TABLE idempotency_keys IN ACCESS EXCLUSIVE MODE')
      await sleep(100)
      const closing = app.close().then(() => {
        closed = true
      })
      await sleep(100)
      expect(closed, 'close() returned while a cleanup was still running').toBe(false)
      await holder.query('COMMIT')
      await closing
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined)
      holder.release()
    }
    expect(closed).toBe(true)
  })
})
