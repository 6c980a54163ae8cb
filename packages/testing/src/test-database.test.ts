import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import { afterAll, describe, expect, it, vi } from 'vitest'
import * as schema from '../test/fixtures/schema.ts'
import { createTestDatabase } from './test-database.ts'

const migrationsFolder = fileURLToPath(new URL('../test/fixtures/drizzle', import.meta.url))
const serverUrl = process.env.PG_ADMIN_URL
if (!serverUrl) throw new Error('PG_ADMIN_URL is not set: bash tooling/scripts/test.sh starts PostgreSQL')

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    return result.rowCount === 1
  } finally {
    await client.end()
  }
}

describe('createTestDatabase on PostgreSQL', () => {
  const opened: { destroy(): Promise<void> }[] = []
  afterAll(() => Promise.all(opened.map((database) => database.destroy())))

  it('gives each caller its own database, built from the real migrations', async () => {
    const first = await createTestDatabase({ schema, migrationsFolder, serverUrl })
    const second = await createTestDatabase({ schema, migrationsFolder, serverUrl })
    opened.push(first, second)
    expect(first.kind).toBe('postgres')
    expect(first.url).not.toBe(second.url)
    await first.db.insert(schema.notes).values({ body: 'only in the first' })
    expect(await first.db.select().from(schema.notes)).toHaveLength(1)
    expect(await second.db.select().from(schema.notes)).toHaveLength(0)
  })

  it('interrupt() makes the database unreachable and restore() brings it back', async () => {
    const database = await createTestDatabase({ schema, migrationsFolder, serverUrl })
    opened.push(database)
    await database.ping()
    await database.interrupt()
    await expect(database.ping({ timeoutMs: 2_000 })).rejects.toThrow()
    await database.restore()
    await vi.waitFor(() => database.ping(), { timeout: 10_000, interval: 100 })
  })

  it("keeps the test defaults (2 s to wait for a connection) and takes a pool of the caller's", async () => {
    const standard = await createTestDatabase({ schema, migrationsFolder, serverUrl })
    const patient = await createTestDatabase({
      schema,
      migrationsFolder,
      serverUrl,
      pool: { max: 3, statementTimeoutMs: 30_000, queryTimeoutMs: 31_000 },
    })
    opened.push(standard, patient)
    const setting = async (database: typeof standard) =>
      (await database.query<{ statement_timeout: string }>('SHOW statement_timeout'))[0]?.statement_timeout
    expect(await setting(standard)).toBe('1s')
    expect(await setting(patient)).toBe('30s')
    // Four at once on a pool of three: the fourth waits for a connection, within its 2 s.
    const sleeps = await Promise.all(
      Array.from({ length: 4 }, () =>
        patient.query<{ slept: string }>('SELECT pg_sleep(0.3)::text AS slept'),
      ),
    )
    expect(sleeps).toHaveLength(4)
    const busy = await patient.query<{ count: string }>(
      "SELECT count(*)::text AS count FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'",
    )
    expect(Number(busy[0]?.count)).toBeLessThanOrEqual(3)
  })

  it('destroy() closes the client and drops the database', async () => {
    const database = await createTestDatabase({ schema, migrationsFolder, serverUrl })
    const name = new URL(database.url ?? '').pathname.slice(1)
    expect(await databaseExists(name)).toBe(true)
    await database.destroy()
    expect(await databaseExists(name)).toBe(false)
  })
})

describe('createTestDatabase without a server', () => {
  it('uses an in-memory PGlite with the migrations applied, and refuses interrupt()', async () => {
    vi.stubEnv('DATABASE_URL', '')
    const database = await createTestDatabase({ schema, migrationsFolder })
    try {
      expect(database.kind).toBe('pglite')
      expect(database.url).toBeUndefined()
      const tables = await database.db.execute(sql`SELECT tablename FROM pg_tables WHERE tablename = 'notes'`)
      expect(tables.rows).toHaveLength(1)
      await expect(database.interrupt()).rejects.toThrow(/needs PostgreSQL/)
    } finally {
      await database.destroy()
      vi.unstubAllEnvs()
    }
  })
})
