import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScratchDatabase, type ScratchDatabase } from '../test/scratch-database.ts'
import { createDatabase } from './create-database.ts'
import { DatabaseMigrationsPendingError, DatabaseUnavailableError } from './errors.ts'
import { createMigrationCheck } from './migration-check.ts'
import { runMigrations } from './run-migrations.ts'
import type { Database } from './types.ts'

const migrationsFolder = fileURLToPath(new URL('../test/fixtures/drizzle', import.meta.url))

/** A copy of the fixture migrations that ships only the first one, as an older release of the code would. */
async function copyFirstMigrationOnly(into: string): Promise<string> {
  const folder = join(into, 'first-only')
  await cp(migrationsFolder, folder, { recursive: true })
  const journalPath = join(folder, 'meta', '_journal.json')
  const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: unknown[] }
  await writeFile(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }))
  return folder
}

describe('createMigrationCheck on PostgreSQL', () => {
  let target: ScratchDatabase
  let scratch: string
  const opened: Database[] = []

  beforeAll(async () => {
    target = await createScratchDatabase()
    scratch = await mkdtemp(join(tmpdir(), 'shipshape-check-'))
  })

  afterAll(async () => {
    await Promise.all(opened.map((database) => database.close()))
    if (scratch) await rm(scratch, { recursive: true, force: true })
    if (target) await target.drop()
  })

  it('rejects naming the pending count until the code’s migrations are applied, then resolves', async () => {
    const database = await createDatabase({ url: target.url, pool: { max: 1 } })
    opened.push(database)
    const check = createMigrationCheck(database, { migrationsFolder })

    const fresh = await check().catch((caught: unknown) => caught)
    expect(fresh).toBeInstanceOf(DatabaseMigrationsPendingError)
    expect(fresh).toMatchObject({ code: 'SHIPSHAPE_DB_MIGRATIONS_PENDING', pending: 2 })

    await runMigrations(database, { migrationsFolder: await copyFirstMigrationOnly(scratch) })
    await expect(check()).rejects.toMatchObject({ pending: 1 })

    await runMigrations(database, { migrationsFolder })
    await expect(check()).resolves.toBeUndefined()
  })

  it('rejects with DatabaseUnavailableError when the database does not answer', async () => {
    const database = await createDatabase({ url: 'postgres://app:pw@127.0.0.1:1/app' })
    opened.push(database)
    const check = createMigrationCheck(database, { migrationsFolder, timeoutMs: 500 })
    await expect(check()).rejects.toBeInstanceOf(DatabaseUnavailableError)
  })

  it('refuses a folder without a journal when it is created, not at the first probe', async () => {
    const database = await createDatabase({ url: target.url })
    opened.push(database)
    expect(() => createMigrationCheck(database, { migrationsFolder: join(scratch, 'absent') })).toThrow(
      expect.objectContaining({ name: 'OptionsError', code: 'SHIPSHAPE_DB_MIGRATIONS_FOLDER_INVALID' }),
    )
  })
})

describe('createMigrationCheck on PGlite', () => {
  it('rejects before runMigrations and resolves after it', async () => {
    const database = await createDatabase()
    try {
      const check = createMigrationCheck(database, { migrationsFolder })
      await expect(check()).rejects.toBeInstanceOf(DatabaseMigrationsPendingError)
      await runMigrations(database, { migrationsFolder })
      await expect(check()).resolves.toBeUndefined()
    } finally {
      await database.close()
    }
  })
})
