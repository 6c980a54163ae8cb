import { drizzle } from 'drizzle-orm/node-postgres'
import { Client, Pool, type PoolClient } from 'pg'
import { endOnReadTimeout } from './end-on-read-timeout.ts'
import { registerMigrationTarget } from './migration-target.ts'
import { assertPostgresUrl, resolvePoolSettings } from './pool-settings.ts'
import { createProbe } from './probe.ts'
import { getPingTimeout, runPing } from './run-ping.ts'
import type { Database, DatabaseOptions } from './types.ts'
import { createUnreachableError, getDatabaseAddress } from './unreachable.ts'

type ErrorReporter = (error: Error) => void

/** One report per error object: an idle client's failure reaches both the pool and the client listener. */
function createErrorReporter(onPoolError: ErrorReporter | undefined): ErrorReporter {
  const reported = new WeakSet<Error>()
  return (error) => {
    if (reported.has(error)) return
    reported.add(error)
    try {
      onPoolError?.(error)
    } catch {
      // A throwing callback inside an 'error' event would crash the process, the one thing it must not do.
    }
  }
}

function watchPool(pool: Pool, report: ErrorReporter): void {
  // An idle client whose backend dies (restart, pg_terminate_backend, network cut) makes the pool emit
  // 'error'; without a listener Node treats it as uncaught and the process exits.
  pool.on('error', report)
  // A checked-out client (inside a transaction, between two queries) emits 'error' on itself, where the
  // pool does not listen; that would crash the process too. The next query on it rejects instead.
  pool.on('connect', (client: PoolClient) => {
    client.on('error', report)
    endOnReadTimeout(client)
  })
}

export function createPostgresDatabase<TSchema extends Record<string, unknown>>(
  url: string,
  options: DatabaseOptions<TSchema>,
): Database<TSchema> {
  assertPostgresUrl(url)
  const settings = resolvePoolSettings(url, options.pool)
  const report = createErrorReporter(options.onPoolError)
  const address = getDatabaseAddress(url)
  const pool = new Pool(settings.pool)
  watchPool(pool, report)
  const probe = createProbe(settings.getProbeClient, address)
  const db = drizzle({ client: pool, ...(options.schema ? { schema: options.schema } : {}) })
  let closing: Promise<void> | undefined

  const database: Database<TSchema> = {
    kind: 'postgres',
    db,
    ping: (pingOptions) => {
      const timeoutMs = getPingTimeout(pingOptions?.timeoutMs)
      return runPing(async () => {
        // The probe has its own connection, so without this a closed database would still look ready.
        if (closing !== undefined) throw new Error('The database client is closed')
        await probe(timeoutMs).answered
      }, timeoutMs)
    },
    close: () => {
      closing ??= pool.end()
      return closing
    },
  }
  registerMigrationTarget(database, {
    kind: 'postgres',
    openMigrationClient: async () => {
      const client = new Client(settings.migrationClient)
      client.on('error', report)
      await client.connect().catch((error: unknown) => {
        throw createUnreachableError(address, error)
      })
      return client
    },
    probe,
  })
  return database
}
