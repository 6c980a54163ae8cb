import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import pg from 'pg'

/** A fresh PostgreSQL database with the fixture migration applied; `close` drops it. */
export async function createTestDatabase(adminUrl: string | undefined) {
  if (adminUrl === undefined || adminUrl === '') {
    throw new Error('PG_ADMIN_URL is not set: these tests need a real PostgreSQL (postgres://...)')
  }
  const name = `test_${randomBytes(8).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const pool = new pg.Pool({ connectionString: url.toString(), max: 20 })
  const db = drizzle({ client: pool })
  await migrate(db, { migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)) })
  return {
    db,
    pool,
    async close() {
      await pool.end()
      const dropper = new pg.Client({ connectionString: adminUrl })
      await dropper.connect()
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await dropper.end()
    },
  }
}
