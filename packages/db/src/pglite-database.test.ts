import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as schema from '../test/fixtures/schema.ts'
import { createDatabase } from './create-database.ts'
import { DatabaseUnavailableError } from './errors.ts'
import { mapDatabaseError } from './map-database-error.ts'
import { runMigrations } from './run-migrations.ts'
import type { Database } from './types.ts'

const migrationsFolder = fileURLToPath(new URL('../test/fixtures/drizzle', import.meta.url))

// A cold PGlite takes seconds to start: one in-memory instance serves the whole file.
describe('createDatabase on in-memory PGlite', () => {
  let database: Database<typeof schema>

  beforeAll(async () => {
    database = await createDatabase({ schema })
  })

  afterAll(async () => {
    await database?.close()
  })

  it('serialises concurrent migrations on one instance and applies each migration once', async () => {
    expect(database.kind).toBe('pglite')
    const results = await Promise.all([
      runMigrations(database, { migrationsFolder }),
      runMigrations(database, { migrationsFolder }),
    ])
    expect(results.map((result) => result.applied).sort()).toEqual([0, 2])
    await expect(runMigrations(database, { migrationsFolder })).resolves.toEqual({ applied: 0 })
  })

  it('maps a unique violation to 409 without the constraint name', async () => {
    await database.db.insert(schema.widgets).values({ name: 'sprocket' })
    const error = await database.db
      .insert(schema.widgets)
      .values({ name: 'sprocket' })
      .catch((caught: unknown) => caught)
    expect((error as Error).cause).toMatchObject({ code: '23505' })
    const problem = mapDatabaseError(error)
    expect(problem).toMatchObject({ status: 409, code: 'conflict' })
    expect(JSON.stringify(problem)).not.toMatch(/widgets|sprocket/)
  })

  it('loads btree_gist, and maps an exclusion violation (23P01) to 409 without the constraint name', async () => {
    await database.db.execute('create extension if not exists btree_gist')
    await database.db.execute(`create table slots (room int, during tstzrange,
        constraint slots_no_overlap exclude using gist (room with =, during with &&))`)
    const insert = (range: string) =>
      database.db.execute(`insert into slots values (1, '${range}')`).catch((caught: unknown) => caught)
    expect(await insert('[2030-01-01 09:00Z,2030-01-01 10:00Z)')).not.toBeInstanceOf(Error)
    expect(await insert('[2030-01-01 10:00Z,2030-01-01 11:00Z)')).not.toBeInstanceOf(Error)
    const error = await insert('[2030-01-01 09:30Z,2030-01-01 10:30Z)')
    expect((error as Error).cause).toMatchObject({ code: '23P01' })
    const problem = mapDatabaseError(error)
    expect(problem).toMatchObject({ status: 409, code: 'conflict' })
    expect(JSON.stringify(problem)).not.toMatch(/slots|overlap|room/)
  })

  it('inserts and reads through typed queries and raw SQL alike', async () => {
    const [widget] = await database.db.insert(schema.widgets).values({ name: 'gear' }).returning()
    if (widget === undefined) throw new Error('insert returned no row')
    await database.db.insert(schema.parts).values({ widgetId: widget.id, label: 'tooth' })
    const found = await database.db.query.widgets.findFirst({ where: eq(schema.widgets.name, 'gear') })
    expect(found?.id).toBe(widget.id)
    const raw = await database.db.execute<{ label: string }>('select label from parts')
    expect(raw.rows).toEqual([{ label: 'tooth' }])
    await expect(database.ping({ timeoutMs: 5_000 })).resolves.toBeUndefined()
  })
})

describe('createDatabase on PGlite kept on disk', () => {
  let parent: string

  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'shipshape-pglite-'))
  })

  afterAll(async () => {
    if (parent) await rm(parent, { recursive: true, force: true })
  })

  it('creates a missing dataDir, keeps data across reopen, and closes idempotently', async () => {
    const dataDir = join(parent, 'nested', 'pglite')
    const first = await createDatabase({ dataDir, schema })
    try {
      expect((await stat(dataDir)).isDirectory()).toBe(true)
      await expect(runMigrations(first, { migrationsFolder })).resolves.toEqual({ applied: 2 })
      await first.db.insert(schema.widgets).values({ name: 'kept' })
    } finally {
      await Promise.all([first.close(), first.close()])
    }
    await expect(first.ping()).rejects.toBeInstanceOf(DatabaseUnavailableError)

    const second = await createDatabase({ dataDir, schema })
    try {
      await expect(runMigrations(second, { migrationsFolder })).resolves.toEqual({ applied: 0 })
      const rows = await second.db.select({ name: schema.widgets.name }).from(schema.widgets)
      expect(rows).toEqual([{ name: 'kept' }])
    } finally {
      await second.close()
    }
    // Two initdb-sized opens of PGlite on disk: seconds on a quiet machine, past 30 s on a loaded one.
  }, 120_000)
})
