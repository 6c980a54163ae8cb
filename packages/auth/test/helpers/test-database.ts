import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { type AppDatabase, createDatabase, runMigrations } from '@shipshape/db'
import pg from 'pg'

const MIGRATIONS = fileURLToPath(new URL('../fixtures/migrations', import.meta.url))

export interface TestDatabase {
  url: string
  db: AppDatabase
  /** Raw SQL for assertions, outside drizzle and the plugin. */
  query<T>(text: string, values?: unknown[]): Promise<T[]>
  drop(): Promise<void>
}

export function getEnv(name: 'PG_ADMIN_URL' | 'REDIS_URL'): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: these tests need a real server (see COMMON.md)`)
  return value
}

/** A fresh database with the fixture migration applied, so test files can run in parallel. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = getEnv('PG_ADMIN_URL')
  const name = `test_auth_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const database = await createDatabase({ url: url.toString(), pool: { max: 20 } })
  await runMigrations(database, { migrationsFolder: MIGRATIONS })
  const raw = new pg.Pool({ connectionString: url.toString(), max: 2 })
  return {
    url: url.toString(),
    db: database.db,
    query: async (text, values) => (await raw.query(text, values)).rows,
    async drop() {
      await raw.end()
      await database.close()
      const dropper = new pg.Client({ connectionString: adminUrl })
      await dropper.connect()
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await dropper.end()
    },
  }
}
