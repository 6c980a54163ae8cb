import { createDatabase, type Database, runMigrations } from '@shipshape/db'
import type { App } from '@shipshape/server'
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { createScratchDatabase } from './postgres.ts'

export type MigrationReadinessOptions<TSchema extends Record<string, unknown>> = {
  migrationsFolder: string
  /**
   * The service as it starts on `databaseUrl` with `DB_POOL_MAX=2`: its database as it opens it and its app,
   * built, not ready. Nobody has run `db:migrate` yet.
   */
  start: (databaseUrl: string) => Promise<{ app: App; database: Database<TSchema> }>
  /**
   * A table the service's migrations create and a request that writes it: while another session locks the
   * table, three such requests hang on the pool's two connections.
   */
  lockedWrite: {
    table: string
    request: (index: number) => {
      method: 'POST' | 'PUT' | 'PATCH'
      url: string
      headers?: Record<string, string>
      payload?: object
    }
  }
}

/** Until `count` sessions of this database wait on a lock (20 s at most). */
export async function waitForLockWaiters<TSchema extends Record<string, unknown>>(
  database: Database<TSchema>,
  count: number,
): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const { rows } = await database.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    )
    if (rows[0]?.n === count) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`never saw ${count} sessions waiting on the lock`)
}

/**
 * Registers the readiness tests of a service started on an empty PostgreSQL database, before anyone ran
 * `db:migrate`, with a small pool: /readyz names the missing migrations and turns 200 once they are applied,
 * without a restart; and it stays 200 while requests hold every pooled connection on a locked table.
 */
export function describeMigrationReadiness<TSchema extends Record<string, unknown>>(
  options: MigrationReadinessOptions<TSchema>,
): void {
  describe('readiness before and after migrations', async () => {
    const { migrationsFolder } = options
    const scratch = await createScratchDatabase()
    const { app, database } = await options.start(scratch.url)
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
        await tx.execute(
          sql`LOCK TABLE ${sql.identifier(options.lockedWrite.table)} IN ACCESS EXCLUSIVE MODE`,
        )
        locked.resolve()
        await released.promise
      })
      try {
        await locked.promise
        // Writes to the locked table: two hang on the pool's connections, a third waits for one of them.
        const hung = [1, 2, 3].map((n) => app.inject(options.lockedWrite.request(n)))
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
  })
}
