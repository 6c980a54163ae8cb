import { createPostgresDatabase } from './postgres-database.ts'
import type { Database, DatabaseOptions } from './types.ts'

/**
 * Opens the service's database: a node-postgres Pool when `url` is set, otherwise embedded PGlite (in memory,
 * or under `dataDir`). The pool connects lazily, so a database that is down does not stop the process from
 * starting; `ping` (readiness) tells when it answers. Throws OptionsError on bad options.
 */
export async function createDatabase<TSchema extends Record<string, unknown> = Record<string, never>>(
  options: DatabaseOptions<TSchema> = {},
): Promise<Database<TSchema>> {
  if (options.url !== undefined) return createPostgresDatabase(options.url, options)
  // Loaded only here: a service on PostgreSQL never loads PGlite (~500 KiB of code).
  const { createPgliteDatabase } = await import('./pglite-database.ts')
  return createPgliteDatabase(options)
}
