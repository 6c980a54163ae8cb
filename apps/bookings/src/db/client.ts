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
    pool: { max: config.DB_POOL_MAX, applicationName: 'bookings' },
  })
}
