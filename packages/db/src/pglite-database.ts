import { mkdir } from 'node:fs/promises'
import { PGlite } from '@electric-sql/pglite'
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import { countWhile } from './journal.ts'
import { registerMigrationTarget } from './migration-target.ts'
import { getPingTimeout, runPing } from './run-ping.ts'
import type { Database, DatabaseOptions } from './types.ts'

// btree_gist ships with PostgreSQL (contrib) and is what an exclusion constraint over a scalar and a range
// needs (`EXCLUDE USING gist (resource_id WITH =, period WITH &&)`); PGlite builds it in but loads it only
// when asked, so a migration with `CREATE EXTENSION btree_gist` runs on the embedded database too.
const extensions = { btree_gist }

async function openPglite(dataDir: string | undefined): Promise<PGlite> {
  if (dataDir === undefined) return PGlite.create({ extensions })
  await mkdir(dataDir, { recursive: true })
  return PGlite.create({ dataDir, extensions })
}

export async function createPgliteDatabase<TSchema extends Record<string, unknown>>(
  options: DatabaseOptions<TSchema>,
): Promise<Database<TSchema>> {
  const client = await openPglite(options.dataDir)
  const db = drizzle({ client, ...(options.schema ? { schema: options.schema } : {}) })
  let closing: Promise<void> | undefined

  const database: Database<TSchema> = {
    kind: 'pglite',
    db,
    ping: (pingOptions) => {
      const timeoutMs = getPingTimeout(pingOptions?.timeoutMs)
      return runPing(() => client.query('SELECT 1'), timeoutMs)
    },
    close: () => {
      // PGlite throws on a second close; the service's shutdown path may call close twice.
      closing ??= client.closed ? Promise.resolve() : client.close()
      return closing
    },
  }
  // PGlite has one connection and no advisory-lock contention to rely on: migrations on one instance queue.
  let tail: Promise<unknown> = Promise.resolve()
  const migrateQueued = (migrationsFolder: string) => {
    const run = tail.then(() =>
      countWhile(
        (text) => client.query(text),
        () => migrate(drizzle({ client }), { migrationsFolder }),
      ),
    )
    tail = run.catch(() => undefined)
    return run
  }
  registerMigrationTarget(database, { kind: 'pglite', client, migrate: migrateQueued })
  return database
}
