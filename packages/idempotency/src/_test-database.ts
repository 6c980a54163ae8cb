import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
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
  if (adminUrl === undefined || adminUrl === '') {
    throw new Error(
      'PG_ADMIN_URL is not set: these tests need a real PostgreSQL (see tooling/scripts/services.sh)',
    )
  }
  const name = `test_${randomBytes(8).toString('hex')}`
  await runAdmin(adminUrl, `create database ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const pool = new pg.Pool({ connectionString: url.href, max: 1 })
  try {
    await migrate(drizzle(pool), { migrationsFolder })
    await pool.query('create table test_items (id uuid primary key, name text not null)')
  } finally {
    await pool.end()
  }
  return { url: url.href, drop: () => runAdmin(adminUrl, `drop database if exists ${name} with (force)`) }
}

async function runAdmin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
