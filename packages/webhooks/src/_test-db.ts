import { fileURLToPath } from 'node:url'
import { createScratchDatabase } from '@shipshape/testing'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import pg from 'pg'

/** A fresh PostgreSQL database with the fixture migration applied; `close` drops it. */
export async function createTestDatabase(adminUrl: string | undefined) {
  const scratch = await createScratchDatabase(adminUrl)
  const pool = new pg.Pool({ connectionString: scratch.url, max: 20 })
  const db = drizzle({ client: pool })
  await migrate(db, { migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)) })
  return {
    db,
    pool,
    async close() {
      await pool.end()
      await scratch.drop()
    },
  }
}
