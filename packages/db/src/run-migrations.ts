import type { PGlite } from '@electric-sql/pglite'
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres'
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import type { Client } from 'pg'
import { DatabaseMigrationError, DatabaseUnavailableError } from './errors.ts'
import { withMigrationLock } from './migration-lock.ts'
import { getMigrationTarget } from './migration-target.ts'
import type { Database } from './types.ts'

export interface MigrationOptions {
  /** Absolute path of the folder drizzle-kit generates (SQL files and `meta/_journal.json`). */
  migrationsFolder: string
}

export interface MigrationResult {
  /** How many migrations this call applied (0 when another instance or an earlier run already did). */
  applied: number
}

type Execute = (text: string) => Promise<{ rows: unknown[] }>

// drizzle's defaults: the table that records applied migrations.
const JOURNAL_TABLE = 'drizzle.__drizzle_migrations'

async function countApplied(execute: Execute): Promise<number> {
  const found = await execute(`SELECT to_regclass('${JOURNAL_TABLE}') IS NOT NULL AS "exists"`)
  const exists = (found.rows[0] as { exists: boolean } | undefined)?.exists === true
  if (!exists) return 0
  const counted = await execute(`SELECT count(*)::int AS "count" FROM ${JOURNAL_TABLE}`)
  return (counted.rows[0] as { count: number } | undefined)?.count ?? 0
}

async function countWhile(execute: Execute, migrate: () => Promise<void>): Promise<number> {
  const before = await countApplied(execute)
  await migrate()
  return (await countApplied(execute)) - before
}

async function migratePostgresDatabase(client: Client, migrationsFolder: string): Promise<number> {
  const db = drizzlePostgres({ client })
  return withMigrationLock(client, () =>
    countWhile(
      (text) => client.query(text),
      () => migratePostgres(db, { migrationsFolder }),
    ),
  )
}

function migratePgliteDatabase(client: PGlite, migrationsFolder: string): Promise<number> {
  const db = drizzlePglite({ client })
  return countWhile(
    (text) => client.query(text),
    () => migratePglite(db, { migrationsFolder }),
  )
}

async function applyMigrations(database: { db: object }, folder: string): Promise<number> {
  const target = getMigrationTarget(database)
  if (target === undefined) throw new TypeError('runMigrations needs a Database made by createDatabase')
  if (target.kind === 'pglite') {
    // PGlite has one connection and no advisory-lock contention to rely on: calls on one instance queue.
    const run = target.queue.tail.then(() => migratePgliteDatabase(target.client, folder))
    target.queue.tail = run.catch(() => undefined)
    return run
  }
  const client = await target.openMigrationClient()
  try {
    return await migratePostgresDatabase(client, folder)
  } finally {
    // Ending the session also releases the advisory lock if unlocking failed.
    await client.end().catch(() => undefined)
  }
}

/**
 * Applies the pending drizzle-kit migrations in `migrationsFolder`. On PostgreSQL it holds a session-level
 * advisory lock on a dedicated connection, so any number of instances may start at once: one migrates, the
 * others wait and then find nothing left to apply. Rejects with DatabaseUnavailableError ("cannot reach the
 * database at host:port (ECONNREFUSED)") when it cannot connect, else with DatabaseMigrationError.
 */
export async function runMigrations<TSchema extends Record<string, unknown>>(
  database: Database<TSchema>,
  options: MigrationOptions,
): Promise<MigrationResult> {
  try {
    return { applied: await applyMigrations(database, options.migrationsFolder) }
  } catch (error) {
    // Never connected: nothing was attempted, so the message says where it could not connect, and only that.
    if (error instanceof DatabaseUnavailableError) throw error
    throw new DatabaseMigrationError({ cause: error })
  }
}
