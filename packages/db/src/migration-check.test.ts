import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Client } from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Forwarder, startForwarder } from '../test/forwarder.ts'
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

describe('a readiness probe on PostgreSQL: one connection for the ping and the migration check', () => {
  let target: ScratchDatabase
  let forwarder: Forwarder
  const opened: Database[] = []
  const unhandled: unknown[] = []
  const recordUnhandled = (reason: unknown) => unhandled.push(reason)

  beforeAll(async () => {
    target = await createScratchDatabase()
    const database = await createDatabase({ url: target.url })
    opened.push(database)
    await runMigrations(database, { migrationsFolder })
    forwarder = await startForwarder(target.url)
    process.on('unhandledRejection', recordUnhandled)
  })

  afterEach(() => {
    expect(unhandled).toEqual([])
  })

  afterAll(async () => {
    process.off('unhandledRejection', recordUnhandled)
    await Promise.all(opened.map((database) => database.close()))
    await forwarder?.close()
    if (target) await target.drop()
  })

  async function openThroughForwarder(): Promise<Database> {
    const database = await createDatabase({ url: forwarder.wrap(target.url) })
    opened.push(database)
    return database
  }

  it('answers both checks of one /readyz, and a ping already running, on one connection', async () => {
    const database = await openThroughForwarder()
    const check = createMigrationCheck(database, { migrationsFolder, timeoutMs: 700 })
    const before = forwarder.connections()
    // As a service starts: its ping at start, then the first /readyz asking both checks at once.
    await Promise.all([database.ping(), database.ping({ timeoutMs: 700 }), check()])
    expect(forwarder.connections() - before).toBe(1)
  })

  it('asks again once a probe settled: an answer is never reused after it', async () => {
    const database = await openThroughForwarder()
    const check = createMigrationCheck(database, { migrationsFolder })
    const before = forwarder.connections()
    // A check settles its probe (the journal is read last); whoever asks after that opens a new one.
    await check()
    await check()
    await database.ping()
    expect(forwarder.connections() - before).toBe(3)
  })

  it('keeps the database check green while the journal is locked, and times the migration check out', async () => {
    const database = await openThroughForwarder()
    const check = createMigrationCheck(database, { migrationsFolder, timeoutMs: 500 })
    const locker = new Client({ connectionString: target.url })
    await locker.connect()
    try {
      await locker.query('BEGIN')
      await locker.query('LOCK TABLE drizzle.__drizzle_migrations IN ACCESS EXCLUSIVE MODE')
      const [ping, migrations] = await Promise.allSettled([database.ping({ timeoutMs: 500 }), check()])
      expect(ping.status).toBe('fulfilled')
      expect(migrations).toMatchObject({ status: 'rejected', reason: expect.any(DatabaseUnavailableError) })
    } finally {
      await locker.end()
    }
  })

  it('rejects both checks when the database cannot be reached, and a ping alone leaves nothing unhandled', async () => {
    const database = await createDatabase({ url: 'postgres://app:pw@127.0.0.1:1/app' })
    opened.push(database)
    const check = createMigrationCheck(database, { migrationsFolder, timeoutMs: 500 })
    const outcomes = await Promise.allSettled([database.ping({ timeoutMs: 500 }), check()])
    for (const outcome of outcomes)
      expect(outcome).toMatchObject({ status: 'rejected', reason: expect.any(DatabaseUnavailableError) })
    await expect(database.ping({ timeoutMs: 500 })).rejects.toBeInstanceOf(DatabaseUnavailableError)
    // The probe's journal read fails after the ping's answer; give it a turn to surface if it were unhandled.
    await new Promise((resolve) => setTimeout(resolve, 50))
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
