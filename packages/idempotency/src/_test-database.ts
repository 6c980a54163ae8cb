import { fileURLToPath } from 'node:url'
import { createScratchDatabase } from '@shipshape/testing'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import pg from 'pg'

export interface TestDatabase {
  readonly url: string
  drop(): Promise<void>
}

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url))

/** A fresh database with the fixture migration and the test resource table; drop() removes it. */
export async function createTestDatabase(adminUrl: string | undefined): Promise<TestDatabase> {
  const scratch = await createScratchDatabase(adminUrl)
  const pool = new pg.Pool({ connectionString: scratch.url, max: 1 })
  try {
    await migrate(drizzle(pool), { migrationsFolder })
    await pool.query('create table test_items (id uuid primary key, name text not null)')
  } finally {
    await pool.end()
  }
  return { url: scratch.url, drop: scratch.drop }
}
