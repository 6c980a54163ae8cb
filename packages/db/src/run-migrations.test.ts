import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Client } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScratchDatabase, type ScratchDatabase } from '../test/scratch-database.ts'
import { createDatabase } from './create-database.ts'
import { DatabaseMigrationError, DatabaseUnavailableError } from './errors.ts'
import { MIGRATION_LOCK_KEY } from './migration-lock.ts'
import { runMigrations } from './run-migrations.ts'
import type { Database } from './types.ts'

const migrationsFolder = fileURLToPath(new URL('../test/fixtures/drizzle', import.meta.url))
const FIXTURE_MIGRATIONS = 2

describe('runMigrations on PostgreSQL', () => {
  let target: ScratchDatabase
  let scratch: string
  const opened: Database[] = []

  async function open(): Promise<Database> {
    const database = await createDatabase({ url: target.url, pool: { max: 2, statementTimeoutMs: 300 } })
    opened.push(database)
    return database
  }

  async function queryTarget<T extends object>(text: string): Promise<T[]> {
    const client = new Client({ connectionString: target.url })
    await client.connect()
    try {
      return (await client.query<T>(text)).rows
    } finally {
      await client.end()
    }
  }

  beforeAll(async () => {
    target = await createScratchDatabase()
    scratch = await mkdtemp(join(tmpdir(), 'shipshape-db-'))
  })

  afterAll(async () => {
    await Promise.all(opened.map((database) => database.close()))
    if (scratch) await rm(scratch, { recursive: true, force: true })
    if (target) await target.drop()
  })

  it('rejects a missing migrations folder with DatabaseMigrationError and releases the lock', async () => {
    const database = await open()
    const error = await runMigrations(database, { migrationsFolder: join(scratch, 'absent') }).catch(
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(DatabaseMigrationError)
    expect(error).toMatchObject({ code: 'SHIPSHAPE_DB_MIGRATION_FAILED' })
    const locks = await queryTarget<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    )
    expect(locks[0]?.n).toBe(0)
  })

  it('rolls back a run whose later migration fails, leaving no table of the earlier one', async () => {
    const broken = join(scratch, 'broken')
    await cp(migrationsFolder, broken, { recursive: true })
    await writeFile(
      join(broken, '0001_create_parts.sql'),
      'CREATE TABLE "parts" (id int REFERENCES nowhere);',
    )
    const database = await open()
    await expect(runMigrations(database, { migrationsFolder: broken })).rejects.toBeInstanceOf(
      DatabaseMigrationError,
    )
    const tables = await queryTarget<{ widgets: string | null }>("SELECT to_regclass('widgets') AS widgets")
    expect(tables[0]?.widgets).toBeNull()
  })

  it('waits for the lock longer than the pool statement timeout instead of failing', async () => {
    const holder = new Client({ connectionString: target.url })
    await holder.connect()
    await holder.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY])
    const database = await open()
    const running = runMigrations(database, { migrationsFolder })
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    await holder.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY])
    await holder.end()
    await expect(running).resolves.toEqual({ applied: FIXTURE_MIGRATIONS })
  })
})

describe('runMigrations against a database it cannot reach', () => {
  it('rejects with DatabaseUnavailableError naming the address and the reason, and claims nothing else', async () => {
    const database = await createDatabase({ url: 'postgres://app:s3cret@127.0.0.1:1/app' })
    try {
      const error = await runMigrations(database, { migrationsFolder }).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(DatabaseUnavailableError)
      expect((error as Error).message).toBe('cannot reach the database at 127.0.0.1:1 (ECONNREFUSED)')
    } finally {
      await database.close()
    }
  })
})

describe('runMigrations from several instances at once', () => {
  let target: ScratchDatabase
  const opened: Database[] = []

  beforeAll(async () => {
    target = await createScratchDatabase()
  })

  afterAll(async () => {
    await Promise.all(opened.map((database) => database.close()))
    if (target) await target.drop()
  })

  it('applies each migration once when 5 instances migrate one fresh database together', async () => {
    for (let index = 0; index < 5; index += 1) {
      opened.push(await createDatabase({ url: target.url, pool: { max: 2 } }))
    }
    const results = await Promise.all(opened.map((database) => runMigrations(database, { migrationsFolder })))
    expect(results.reduce((sum, result) => sum + result.applied, 0)).toBe(FIXTURE_MIGRATIONS)
    expect(results.filter((result) => result.applied > 0)).toHaveLength(1)

    const client = new Client({ connectionString: target.url })
    await client.connect()
    try {
      const rows = await client.query<{ migrations: number; tables: number }>(
        `SELECT (SELECT count(*)::int FROM drizzle.__drizzle_migrations) AS migrations,
                (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public'
                   AND tablename IN ('widgets', 'parts')) AS tables`,
      )
      expect(rows.rows[0]).toEqual({ migrations: FIXTURE_MIGRATIONS, tables: 2 })
    } finally {
      await client.end()
    }

    const again = opened[0]
    if (again === undefined) throw new Error('no database')
    await expect(runMigrations(again, { migrationsFolder })).resolves.toEqual({ applied: 0 })
  })
})
