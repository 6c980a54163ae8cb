import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createScratchDatabase, type ScratchDatabase } from '../test/scratch-database.ts'
import { createDatabase } from './create-database.ts'
import { createMigrationCheck } from './migration-check.ts'
import { runMigrations } from './run-migrations.ts'

// Which of PGlite's modules this file's code has imported: a factory runs when its module is first imported.
const imported = vi.hoisted(() => new Set<string>())
vi.mock('@electric-sql/pglite', async (importOriginal) => {
  imported.add('@electric-sql/pglite')
  return importOriginal()
})
vi.mock('drizzle-orm/pglite', async (importOriginal) => {
  imported.add('drizzle-orm/pglite')
  return importOriginal()
})
vi.mock('drizzle-orm/pglite/migrator', async (importOriginal) => {
  imported.add('drizzle-orm/pglite/migrator')
  return importOriginal()
})

const migrationsFolder = fileURLToPath(new URL('../test/fixtures/drizzle', import.meta.url))
let scratch: ScratchDatabase

beforeAll(async () => {
  scratch = await createScratchDatabase()
})

afterAll(async () => {
  await scratch?.drop()
})

// The tests run in order: the first must see a process that has not asked for the embedded database yet.
describe('createDatabase', () => {
  it('opens, migrates, checks and pings PostgreSQL without loading PGlite or its drizzle driver', async () => {
    const database = await createDatabase({ url: scratch.url })
    try {
      expect(await runMigrations(database, { migrationsFolder })).toEqual({ applied: 2 })
      await createMigrationCheck(database, { migrationsFolder })()
      await database.ping()
    } finally {
      await database.close()
    }
    expect([...imported]).toEqual([])
  })

  it('loads them for the embedded database, and migrates it', async () => {
    const database = await createDatabase()
    try {
      expect(await runMigrations(database, { migrationsFolder })).toEqual({ applied: 2 })
    } finally {
      await database.close()
    }
    expect([...imported].sort()).toEqual([
      '@electric-sql/pglite',
      'drizzle-orm/pglite',
      'drizzle-orm/pglite/migrator',
    ])
  })
})
