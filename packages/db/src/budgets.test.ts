import { OptionsError } from '@shipshape/errors'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startForwarder } from '../test/forwarder.ts'
import { createScratchDatabase, type ScratchDatabase } from '../test/scratch-database.ts'
import { type SilentServer, startSilentServer } from '../test/silent-server.ts'
import { createDatabase } from './create-database.ts'
import { mapDatabaseError } from './map-database-error.ts'
import type { Database, PoolOptions } from './types.ts'

// The service contract: a request that needs an unreachable database gets 503 within 2 s. These run with
// the default budgets, which is what a service gets unless it configures others.
const BUDGET_MS = 2_000
const UNAVAILABLE = { status: 503, code: 'unavailable' }

/** The figures a test measured, printed beside its result. */
function report(line: string): void {
  process.stdout.write(`[budgets] ${line}\n`)
}

async function timeFailure(work: Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = performance.now()
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  return { error, elapsedMs: Math.round(performance.now() - started) }
}

describe('default budgets: a query that needs an unreachable or stuck database fails within 2 s', () => {
  let target: ScratchDatabase
  let silent: SilentServer
  const opened: Database[] = []

  async function open(url: string, pool: PoolOptions = {}): Promise<Database> {
    const database = await createDatabase({ url, pool })
    opened.push(database)
    return database
  }

  beforeAll(async () => {
    target = await createScratchDatabase()
    silent = await startSilentServer()
  })

  afterAll(async () => {
    await silent.close()
    await Promise.all(opened.map((database) => database.close()))
    await target?.drop()
  })

  it('a server that accepts the connection and never answers (a partition) → 503 within the budget', async () => {
    const database = await open(silent.url)
    const { error, elapsedMs } = await timeFailure(database.db.execute(sql`select 1`))
    report(`silent server: failed after ${elapsedMs} ms`)
    expect(mapDatabaseError(error)).toMatchObject(UNAVAILABLE)
    expect(elapsedMs).toBeLessThan(BUDGET_MS)
  })

  it('a statement that runs too long is cancelled by the server within the budget (57014 → 503)', async () => {
    const database = await open(target.url)
    const { error, elapsedMs } = await timeFailure(database.db.execute(sql`select pg_sleep(5)`))
    report(`pg_sleep(5): failed after ${elapsedMs} ms`)
    expect(error).toMatchObject({ cause: { code: '57014' } })
    expect(mapDatabaseError(error)).toMatchObject(UNAVAILABLE)
    expect(elapsedMs).toBeLessThan(BUDGET_MS)
  })

  it('a wait for a pooled connection is bounded: a saturated pool answers 503, not an endless queue', async () => {
    const database = await open(target.url, { max: 1 })
    // Holds the one connection for about 1.8 s in statements that each stay within the statement budget.
    const holder = database.db.transaction(async (tx) => {
      for (let step = 0; step < 3; step++) await tx.execute(sql`select pg_sleep(0.6)`)
    })
    await new Promise((resolve) => setTimeout(resolve, 100))
    const { error, elapsedMs } = await timeFailure(database.db.execute(sql`select 1`))
    report(`saturated pool: the waiter failed after ${elapsedMs} ms`)
    expect(error).toBeDefined()
    expect(mapDatabaseError(error)).toMatchObject(UNAVAILABLE)
    expect(elapsedMs).toBeLessThan(BUDGET_MS)
    await holder
  })

  it('a transaction whose statement times out rolls back: a 503 never comes with a committed write', async () => {
    const database = await open(target.url)
    await database.db.execute(sql`create table budget_rows (id int primary key)`)
    const { error } = await timeFailure(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into budget_rows (id) values (1)`)
        await tx.execute(sql`select pg_sleep(5)`)
      }),
    )
    expect(mapDatabaseError(error)).toMatchObject(UNAVAILABLE)
    const { rows } = await database.db.execute(sql`select count(*)::int as n from budget_rows`)
    expect(rows[0]).toEqual({ n: 0 })
  })

  it('a partition inside a transaction: the statement and its rollback fail within the budget, nothing kept', async () => {
    const direct = await open(target.url)
    await direct.db.execute(sql`create table partition_rows (id int primary key)`)
    const forwarder = await startForwarder(target.url)
    try {
      const database = await open(forwarder.wrap(target.url))
      const { error, elapsedMs } = await timeFailure(
        database.db.transaction(async (tx) => {
          await tx.execute(sql`insert into partition_rows (id) values (1)`)
          forwarder.drop()
          await tx.execute(sql`select 1`)
        }),
      )
      report(`partition inside a transaction: failed after ${elapsedMs} ms`)
      expect(mapDatabaseError(error)).toMatchObject(UNAVAILABLE)
      expect(elapsedMs).toBeLessThan(BUDGET_MS)
    } finally {
      await forwarder.close()
    }
    const { rows } = await direct.db.execute(sql`select count(*)::int as n from partition_rows`)
    expect(rows[0]).toEqual({ n: 0 })
  })

  it('refuses a client-side timeout that would fire before the server cancels', async () => {
    await expect(
      createDatabase({ url: target.url, pool: { statementTimeoutMs: 2_000, queryTimeoutMs: 1_000 } }),
    ).rejects.toSatisfy(
      (error) => error instanceof OptionsError && error.code === 'SHIPSHAPE_DB_TIMEOUTS_INVALID',
    )
  })
})
