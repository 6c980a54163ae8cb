import { randomBytes } from 'node:crypto'
import { createDatabase, type Database, runMigrations } from '@shipshape/db'
import pg from 'pg'

export type TestDatabase<TSchema extends Record<string, unknown>> = Database<TSchema> & {
  /** The PostgreSQL URL of this test's own database; undefined on PGlite. */
  url: string | undefined
  /** Makes the database unreachable: new connections are refused and open ones are killed (PostgreSQL only). */
  interrupt(): Promise<void>
  /** Lets connections in again after interrupt(). */
  restore(): Promise<void>
  /** Closes the client and drops the database. */
  destroy(): Promise<void>
}

export type TestDatabaseOptions<TSchema> = {
  schema: TSchema
  migrationsFolder: string
  /** A PostgreSQL server to create the test database on; defaults to DATABASE_URL, else PGlite in memory. */
  serverUrl?: string | undefined
}

/**
 * A database for one test file, built from the service's real migrations: a fresh PostgreSQL database when
 * a server is configured (so files run in parallel without sharing rows), else an in-memory PGlite.
 */
export async function createTestDatabase<TSchema extends Record<string, unknown>>(
  options: TestDatabaseOptions<TSchema>,
): Promise<TestDatabase<TSchema>> {
  const serverUrl = options.serverUrl ?? process.env.DATABASE_URL
  if (!serverUrl) return withPgliteExtras(await createMigrated(undefined, options))
  const scratch = await createScratchDatabase(serverUrl)
  const database = await createMigrated(scratch.url, options)
  return {
    ...database,
    url: scratch.url,
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

export type ScratchDatabase = {
  /** Generated (hex only), so statements built from it cannot be injected. */
  name: string
  url: string
  /** Drops the database, ending every connection still open to it. */
  drop(): Promise<void>
}

/**
 * A new, empty PostgreSQL database for one test file on the server at `adminUrl` (default PG_ADMIN_URL), so
 * files run in parallel without sharing rows. Fails, never skips, when no server is configured.
 */
export async function createScratchDatabase(adminUrl = process.env.PG_ADMIN_URL): Promise<ScratchDatabase> {
  if (!adminUrl) {
    throw new Error(
      'PG_ADMIN_URL is not set: these tests need a real PostgreSQL (bash tooling/scripts/test.sh starts one)',
    )
  }
  const name = `test_${randomBytes(6).toString('hex')}`
  await runAdmin(adminUrl, `CREATE DATABASE ${name}`)
  return {
    name,
    url: withDatabaseName(adminUrl, name),
    drop: () => dropDatabase(adminUrl, name),
  }
}

async function createMigrated<TSchema extends Record<string, unknown>>(
  url: string | undefined,
  options: TestDatabaseOptions<TSchema>,
) {
  const database = await createDatabase({
    url,
    schema: options.schema,
    pool: { max: 20, connectionTimeoutMs: 2_000 },
  })
  await runMigrations(database, { migrationsFolder: options.migrationsFolder })
  return database
}

function withPgliteExtras<TSchema extends Record<string, unknown>>(
  database: Database<TSchema>,
): TestDatabase<TSchema> {
  const unsupported = () =>
    Promise.reject(new Error('interrupt() needs PostgreSQL: name the test file *.pg.test.ts'))
  return {
    ...database,
    url: undefined,
    interrupt: unsupported,
    restore: unsupported,
    destroy: () => database.close(),
  }
}

function withDatabaseName(serverUrl: string, name: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/**
 * Drops a test database and ends the sessions still in it. `WITH (FORCE)` refuses (42501) when one of them is a
 * process the test role may not signal, such as an autovacuum worker that started on the database (seen in CI
 * after a busy suite): then end the client sessions and drop without FORCE, which waits for autovacuum to
 * step aside.
 */
async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  try {
    await runAdmin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  } catch (error) {
    if ((error as { code?: unknown }).code !== '42501') throw error
    await runAdmin(
      serverUrl,
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = '${name}' AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
    )
    await runAdmin(serverUrl, `DROP DATABASE IF EXISTS ${name}`)
  }
}

// Test database names are generated above (hex only), so the statements built from them are not injectable.
async function runAdmin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
