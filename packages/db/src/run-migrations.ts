import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres'
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator'
import type { Client } from 'pg'
import { DatabaseMigrationError, DatabaseUnavailableError } from './errors.ts'
import { countWhile } from './journal.ts'
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

async function migratePostgresDatabase(client: Client, migrationsFolder: string): Promise<number> {
  const db = drizzlePostgres({ client })
  return withMigrationLock(client, () =>
    countWhile(
      (text) => client.query(text),
      () => migratePostgres(db, { migrationsFolder }),
    ),
  )
}

async function applyMigrations(database: { db: object }, folder: string): Promise<number> {
  const target = getMigrationTarget(database)
  if (target === undefined) throw new TypeError('runMigrations needs a Database made by createDatabase')
  if (target.kind === 'pglite') return target.migrate(folder)
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
