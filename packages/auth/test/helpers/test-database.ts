import { fileURLToPath } from 'node:url'
import { type AppDatabase, createDatabase, runMigrations } from '@shipshape/db'
import { createScratchDatabase } from '@shipshape/testing'
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
  if (!value) throw new Error(`${name} is not set: needs a real server (test.sh starts one)`)
  return value
}

/** A fresh database with the fixture migration applied, so test files can run in parallel. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const scratch = await createScratchDatabase(getEnv('PG_ADMIN_URL'))
  const database = await createDatabase({ url: scratch.url, pool: { max: 20 } })
  await runMigrations(database, { migrationsFolder: MIGRATIONS })
  const raw = new pg.Pool({ connectionString: scratch.url, max: 2 })
  return {
    url: scratch.url,
    db: database.db,
    query: async (text, values) => (await raw.query(text, values)).rows,
    async drop() {
      await raw.end()
      await database.close()
      await scratch.drop()
    },
  }
}
