import { fileURLToPath } from 'node:url'
import { createDatabase, type Database } from '@shipshape/db'
import type { Env } from '../config.ts'
import * as schema from './schema.ts'

export type ServiceDatabase = Database<typeof schema>

/** The SQL migrations drizzle-kit generates from ./schema.ts (`pnpm db:generate`); they are committed. */
export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url))

/** PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite under PGLITE_DATA_DIR. */
export function openDatabase(config: Env): Promise<ServiceDatabase> {
  return createDatabase({
    url: config.DATABASE_URL,
    dataDir: config.PGLITE_DATA_DIR,
    schema,
    // Budgets: a request that needs an unreachable database gets 503 within about 2 s, never a hang.
    pool: {
      max: config.DB_POOL_MAX,
      connectionTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
      queryTimeoutMs: config.DB_QUERY_TIMEOUT_MS,
      applicationName: 'notifications',
    },
  })
}
