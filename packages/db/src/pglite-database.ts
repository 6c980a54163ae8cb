import { mkdir } from 'node:fs/promises'
import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { registerMigrationTarget } from './migration-target.ts'
import { getPingTimeout, runPing } from './run-ping.ts'
import type { Database, DatabaseOptions } from './types.ts'

async function openPglite(dataDir: string | undefined): Promise<PGlite> {
  if (dataDir === undefined) return PGlite.create()
  await mkdir(dataDir, { recursive: true })
  return PGlite.create({ dataDir })
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
  registerMigrationTarget(database, { kind: 'pglite', client, queue: { tail: Promise.resolve() } })
  return database
}
