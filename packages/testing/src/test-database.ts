import { createDatabase, type Database, type PoolOptions, runMigrations } from '@shipshape/db'
import { runAdmin } from './_postgres-admin.ts'
import { createScratchDatabase } from './postgres.ts'

export type TestDatabase<TSchema extends Record<string, unknown> = Record<string, never>> =
  Database<TSchema> & {
    /** The PostgreSQL URL of this test's own database; undefined on PGlite. */
    url: string | undefined
    /** Raw SQL with `$1` parameters, outside drizzle, for a test's setup and assertions: the rows. */
    query<TRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<TRow[]>
    /** Makes the database unreachable: new connections are refused and open ones are killed (PostgreSQL only). */
    interrupt(): Promise<void>
    /** Lets connections in again after interrupt(). */
    restore(): Promise<void>
    /** Closes the client and drops the database. */
    destroy(): Promise<void>
  }

/** A test database on a real PostgreSQL server: `url` is always set. */
export type PostgresTestDatabase<TSchema extends Record<string, unknown> = Record<string, never>> =
  TestDatabase<TSchema> & { url: string }

export type TestDatabaseOptions<TSchema> = {
  /** The drizzle schema, for typed relational queries. */
  schema?: TSchema
  migrationsFolder: string
  /** A PostgreSQL server to create the test database on; defaults to DATABASE_URL, else PGlite in memory. */
  serverUrl?: string | undefined
  /** Refuse to fall back to PGlite: without a server, fail and say so (a suite about PostgreSQL itself). */
  requirePostgres?: boolean
  /**
   * The pool, over the test defaults (20 connections, 2 s to wait for one, the production statement budget).
   * A burst test that proves something else (a constraint under 100 concurrent writes) widens the budgets, so
   * that a busy test machine is not taken for the outage they guard against; the fault suites keep them.
   */
  pool?: PoolOptions
}

/**
 * A database for one test file, built from the real migrations: a fresh PostgreSQL database when a server is
 * configured (so files run in parallel without sharing rows), else an in-memory PGlite.
 */
export async function createTestDatabase<TSchema extends Record<string, unknown> = Record<string, never>>(
  options: TestDatabaseOptions<TSchema> & { requirePostgres: true },
): Promise<PostgresTestDatabase<TSchema>>
export async function createTestDatabase<TSchema extends Record<string, unknown> = Record<string, never>>(
  options: TestDatabaseOptions<TSchema>,
): Promise<TestDatabase<TSchema>>
export async function createTestDatabase<TSchema extends Record<string, unknown>>(
  options: TestDatabaseOptions<TSchema>,
): Promise<TestDatabase<TSchema>> {
  const serverUrl = options.serverUrl || process.env.DATABASE_URL
  if (!serverUrl) {
    if (options.requirePostgres) {
      throw new Error(
        'DATABASE_URL is not set: this suite needs a real PostgreSQL (bash tooling/scripts/test.sh starts one)',
      )
    }
    return withPgliteExtras(await createMigrated(undefined, options))
  }
  const scratch = await createScratchDatabase(serverUrl)
  const database = await createMigrated(scratch.url, options)
  return {
    ...database,
    url: scratch.url,
    query: createQuery(database),
    interrupt: async () => {
      await runAdmin(serverUrl, `ALTER DATABASE ${scratch.name} ALLOW_CONNECTIONS false`)
      await runAdmin(
        serverUrl,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = '${scratch.name}' AND backend_type = 'client backend'`,
      )
    },
    restore: () => runAdmin(serverUrl, `ALTER DATABASE ${scratch.name} ALLOW_CONNECTIONS true`),
    destroy: async () => {
      await database.close()
      await scratch.drop()
    },
  }
}

async function createMigrated<TSchema extends Record<string, unknown>>(
  url: string | undefined,
  options: TestDatabaseOptions<TSchema>,
) {
  const database = await createDatabase({
    url,
    ...(options.schema === undefined ? {} : { schema: options.schema }),
    pool: { max: 20, connectionTimeoutMs: 2_000, ...options.pool },
  })
  await runMigrations(database, { migrationsFolder: options.migrationsFolder })
  return database as Database<TSchema>
}

/** Both drivers' clients (a pg Pool, PGlite) answer `query(text, values)` with `{ rows }`. */
function createQuery(database: Database<Record<string, unknown>>): TestDatabase['query'] {
  const client = (database.db as unknown as { $client: QueryClient }).$client
  return async <TRow>(text: string, values?: unknown[]) => (await client.query(text, values)).rows as TRow[]
}

type QueryClient = { query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> }

function withPgliteExtras<TSchema extends Record<string, unknown>>(
  database: Database<TSchema>,
): TestDatabase<TSchema> {
  const unsupported = () =>
    Promise.reject(new Error('interrupt() needs PostgreSQL: name the test file *.pg.test.ts'))
  return {
    ...database,
    url: undefined,
    query: createQuery(database as Database<Record<string, unknown>>),
    interrupt: unsupported,
    restore: unsupported,
    destroy: () => database.close(),
  }
}
