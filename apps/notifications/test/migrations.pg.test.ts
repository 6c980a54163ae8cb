import { createDatabase, type Database, runMigrations } from '@shipshape/db'
import { createScratchDatabase } from '@shipshape/testing'
import { sql } from 'drizzle-orm'
import { afterAll, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { migrationsFolder, openDatabase } from '../src/db/client.ts'
import { getTestConfig, origin, password } from './setup.ts'

// The service started on an empty PostgreSQL database, before anyone ran `db:migrate`, with a small pool.
const scratch = await createScratchDatabase()
const config = getTestConfig({ DATABASE_URL: scratch.url, DB_POOL_MAX: '2' })
const database = await openDatabase(config)
const app = await buildApp(config, database, { logger: { level: 'silent' }, underPressure: false })
await app.ready()
afterAll(async () => {
  await app.close()
  await scratch.drop()
})

it('/readyz answers 503 naming migrations until they are applied, then 200 without a restart', async () => {
  const before = await app.inject({ method: 'GET', url: '/readyz' })
  expect(before.statusCode).toBe(503)
  expect(before.headers['content-type']).toMatch(/^application\/problem\+json/)
  expect(before.json()).toMatchObject({
    code: 'unavailable',
    checks: { database: 'ok', migrations: 'failed' },
  })
  expect(before.json().detail).toContain('migrations')

  await runMigrations(database, { migrationsFolder })
  const after = await app.inject({ method: 'GET', url: '/readyz' })
  expect(after.statusCode).toBe(200)
  expect(after.json()).toEqual({ status: 'ok', checks: { database: 'ok', migrations: 'ok' } })
})

it('/readyz stays 200 while requests hold every pooled connection on a locked table', async () => {
  await runMigrations(database, { migrationsFolder })
  // Another session: one connection holds the lock, the other watches who waits for it. An observer, not
  // the service under test, so it gets a patient connect budget instead of the service's fail-fast one.
  const other = await createDatabase({ url: scratch.url, pool: { max: 2, connectionTimeoutMs: 10_000 } })
  const released = Promise.withResolvers<void>()
  const locked = Promise.withResolvers<void>()
  const holding = other.db.transaction(async (tx) => {
    await tx.execute(sql`LOCK TABLE users IN ACCESS EXCLUSIVE MODE`)
    locked.resolve()
    await released.promise
  })
  try {
    await locked.promise
    // Sign-ups write the users table: two hang on the pool's connections, a third waits for one of them.
    const hung = [1, 2, 3].map((n) =>
      app.inject({
        method: 'POST',
        url: '/auth/signup',
        headers: { origin },
        payload: { email: `locked-${n}@example.com`, password },
      }),
    )
    await waitForLockWaiters(other, 2)
    const ready = await app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(200)
    released.resolve()
    await holding
    await Promise.all(hung)
  } finally {
    released.resolve()
    await holding.catch(() => undefined)
    await other.close()
  }
})

async function waitForLockWaiters(other: Database, count: number): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const { rows } = await other.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    )
    if (rows[0]?.n === count) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`never saw ${count} sessions waiting on the lock`)
}
