import { OptionsError } from '@shipshape/errors'
import { sql } from 'drizzle-orm'
import { Client } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScratchDatabase, type ScratchDatabase, waitFor } from '../test/scratch-database.ts'
import { createDatabase } from './create-database.ts'
import { DatabaseUnavailableError } from './errors.ts'
import { mapDatabaseError } from './map-database-error.ts'
import type { Database, DatabaseOptions } from './types.ts'

const UNAVAILABLE = { status: 503, code: 'unavailable' }

function getMessages(error: unknown): string {
  const messages: string[] = []
  for (let current = error; current instanceof Error; current = current.cause) messages.push(current.message)
  return messages.join('\n')
}

describe('createDatabase on PostgreSQL', () => {
  let target: ScratchDatabase
  const opened: Database[] = []
  const limitedRole = `role_${Math.random().toString(36).slice(2, 10)}`

  async function open(options: Omit<DatabaseOptions, 'url'> = {}): Promise<Database> {
    const database = await createDatabase({ url: target.url, ...options })
    opened.push(database)
    return database
  }

  async function getBackendPid(database: Database): Promise<number> {
    const result = await database.db.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`)
    const pid = result.rows[0]?.pid
    if (pid === undefined) throw new Error('no backend pid')
    return pid
  }

  async function terminate(pid: number): Promise<void> {
    await target.admin.query('SELECT pg_terminate_backend($1)', [pid])
  }

  // A URL allowed one connection. The test role of tooling/scripts/services.sh has CREATEDB but may not
  // create roles, and a database's limit binds every role but a superuser: so a role with a limit when the
  // admin may create one, else a second database with a limit, for the admin's own role.
  let limitedUrl: string
  let limitedByRole = false
  const limitedDatabase = `${limitedRole}_db`

  beforeAll(async () => {
    target = await createScratchDatabase()
    const { rows } = await target.admin.query<{ may: boolean }>(
      'SELECT rolsuper OR rolcreaterole AS may FROM pg_roles WHERE rolname = current_user',
    )
    limitedByRole = rows[0]?.may === true
    if (limitedByRole) {
      await target.admin.query(`CREATE ROLE ${limitedRole} LOGIN PASSWORD 'limited' CONNECTION LIMIT 1`)
      limitedUrl = target.getUrlFor(limitedRole, 'limited')
    } else {
      await target.admin.query(`CREATE DATABASE ${limitedDatabase} CONNECTION LIMIT 1`)
      const url = new URL(target.url)
      url.pathname = `/${limitedDatabase}`
      limitedUrl = url.toString()
    }
  })

  afterAll(async () => {
    await Promise.all(opened.map((database) => database.close()))
    if (!target) return
    // The role can go only once no database it may connect to holds its sessions.
    await target.admin.query(`DROP DATABASE IF EXISTS ${target.name} WITH (FORCE)`)
    if (limitedByRole) await target.admin.query(`DROP ROLE IF EXISTS ${limitedRole}`)
    else await target.admin.query(`DROP DATABASE IF EXISTS ${limitedDatabase} WITH (FORCE)`)
    await target.drop()
  })

  it('rejects a URL that is not postgres:// without echoing it (it carries the password)', async () => {
    const error = await createDatabase({ url: 'mysql://app:s3cret-pw@db/app' }).catch(
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(OptionsError)
    expect(error).toMatchObject({ code: 'SHIPSHAPE_DB_URL_INVALID' })
    expect(String((error as Error).message)).not.toContain('s3cret-pw')
  })

  it('rejects pool settings that are not positive integers', async () => {
    for (const pool of [{ max: 0 }, { statementTimeoutMs: 1.5 }, { connectionTimeoutMs: -1 }]) {
      await expect(createDatabase({ url: target.url, pool })).rejects.toMatchObject({
        name: 'OptionsError',
        code: 'SHIPSHAPE_DB_POOL_LIMIT_INVALID',
      })
    }
  })

  it('sets statement_timeout and application_name on every pooled connection', async () => {
    const database = await open({ pool: { max: 3, statementTimeoutMs: 4_321, applicationName: 'db-test' } })
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        database.db.execute<{ timeout: string; name: string; pid: number }>(
          sql`select current_setting('statement_timeout') as timeout,
                     current_setting('application_name') as name,
                     pg_backend_pid() as pid, pg_sleep(0.2)`,
        ),
      ),
    )
    const rows = results.map((result) => result.rows[0])
    expect(new Set(rows.map((row) => row?.pid)).size).toBe(3)
    for (const row of rows) expect(row).toMatchObject({ timeout: '4321ms', name: 'db-test' })
  })

  it('lets the server cancel a statement over statementTimeoutMs (57014 → 503, no SQL)', async () => {
    const database = await open({ pool: { statementTimeoutMs: 200 } })
    const error = await database.db.execute(sql`select pg_sleep(5)`).catch((caught: unknown) => caught)
    expect(getMessages(error)).toContain('pg_sleep')
    expect((error as Error).cause).toMatchObject({ code: '57014' })
    const problem = mapDatabaseError(error)
    expect(problem).toMatchObject(UNAVAILABLE)
    expect(JSON.stringify(problem)).not.toContain('pg_sleep')
  })

  it('maps a database that stopped accepting connections (FATAL 55000) to 503', async () => {
    await target.admin.query(`ALTER DATABASE ${target.name} ALLOW_CONNECTIONS false`)
    try {
      const database = await open()
      const error = await database.db.execute(sql`select 1`).catch((caught: unknown) => caught)
      expect((error as Error).cause).toMatchObject({ code: '55000', severity: 'FATAL' })
      expect(mapDatabaseError(error)).toMatchObject(UNAVAILABLE)
    } finally {
      await target.admin.query(`ALTER DATABASE ${target.name} ALLOW_CONNECTIONS true`)
    }
  })

  it('maps a real unique violation to 409 without the constraint name or SQL', async () => {
    const database = await open()
    await database.db.execute(sql`create table accounts (email text constraint accounts_email_key unique)`)
    await database.db.execute(sql`insert into accounts (email) values ('a@example.com')`)
    const error = await database.db
      .execute(sql`insert into accounts (email) values ('a@example.com')`)
      .catch((caught: unknown) => caught)
    expect((error as Error).cause).toMatchObject({ code: '23505', constraint: 'accounts_email_key' })
    const problem = mapDatabaseError(error)
    expect(problem).toEqual({
      status: 409,
      code: 'conflict',
      detail: 'A record with these values already exists.',
    })
    expect(JSON.stringify(problem)).not.toMatch(/accounts|a@example\.com|insert/)
  })

  it('maps a real exclusion violation (23P01, btree_gist) to 409 without the constraint name or SQL', async () => {
    const database = await open()
    await database.db.execute(sql`create extension if not exists btree_gist`)
    await database.db.execute(
      sql`create table rooms (room int, during tstzrange,
        constraint rooms_no_overlap exclude using gist (room with =, during with &&))`,
    )
    await database.db.execute(sql`insert into rooms values (1, '[2030-01-01 09:00Z,2030-01-01 10:00Z)')`)
    const error = await database.db
      .execute(sql`insert into rooms values (1, '[2030-01-01 09:59Z,2030-01-01 11:00Z)')`)
      .catch((caught: unknown) => caught)
    expect((error as Error).cause).toMatchObject({ code: '23P01', constraint: 'rooms_no_overlap' })
    const problem = mapDatabaseError(error)
    expect(problem).toMatchObject({ status: 409, code: 'conflict' })
    expect(JSON.stringify(problem)).not.toMatch(/rooms|overlap|insert/)
  })

  it('maps a real deadlock (40P01) to 503 retry-later, without the SQL or the rows', async () => {
    // Statements may wait past PostgreSQL's deadlock_timeout (1 s) for the deadlock to be found.
    const database = await open({ pool: { max: 2, statementTimeoutMs: 10_000 } })
    await database.db.execute(sql`create table seats (id int primary key, holder text)`)
    await database.db.execute(sql`insert into seats values (1, null), (2, null)`)
    // Two transactions take the same two rows in opposite orders; PostgreSQL aborts one of them.
    const firstLocked = Promise.withResolvers<void>()
    const secondLocked = Promise.withResolvers<void>()
    const bothLocked = Promise.all([firstLocked.promise, secondLocked.promise])
    const take = (first: number, second: number, locked: PromiseWithResolvers<void>) =>
      database.db.transaction(async (tx) => {
        await tx.execute(sql`update seats set holder = 'secret-holder' where id = ${first}`)
        locked.resolve()
        await bothLocked
        await tx.execute(sql`update seats set holder = 'secret-holder' where id = ${second}`)
      })
    const results = await Promise.allSettled([take(1, 2, firstLocked), take(2, 1, secondLocked)])
    const rejected = results.filter((result) => result.status === 'rejected')
    expect(rejected).toHaveLength(1)
    const error = (rejected[0] as PromiseRejectedResult).reason
    expect(getMessages(error)).toMatch(/deadlock/)
    const problem = mapDatabaseError(error)
    expect(problem).toEqual({
      status: 503,
      code: 'unavailable',
      detail: 'The request met concurrent ones and was rolled back; retry it.',
    })
    expect(JSON.stringify(problem)).not.toMatch(/seats|secret-holder|update/)
  })

  it('survives an idle backend killed by pg_terminate_backend, and the next query succeeds', async () => {
    const failures: Error[] = []
    const database = await open({ pool: { max: 1 }, onPoolError: (error) => failures.push(error) })
    const pid = await getBackendPid(database)
    await terminate(pid)
    await waitFor(() => failures.length > 0)
    expect(failures[0]?.message).toMatch(/terminat/i)
    const next = await getBackendPid(database)
    expect(next).not.toBe(pid)
  })

  it('survives a backend killed inside a transaction between two queries', async () => {
    const failures: Error[] = []
    const database = await open({ pool: { max: 1 }, onPoolError: (error) => failures.push(error) })
    const outcome = await database.db
      .transaction(async (tx) => {
        const result = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`)
        await terminate(result.rows[0]?.pid ?? 0)
        await waitFor(() => failures.length > 0)
        await tx.execute(sql`select 1`)
      })
      .catch((caught: unknown) => caught)
    expect(outcome).toBeInstanceOf(Error)
    await expect(database.ping({ timeoutMs: 5_000 })).resolves.toBeUndefined()
  })

  it('maps a query whose backend is terminated mid-flight (57P01) to 503', async () => {
    const database = await open({ onPoolError: () => undefined })
    const running = database.db
      .execute(sql`select pg_sleep(30), 'mid-flight'`)
      .catch((caught: unknown) => caught)
    let pid: number | undefined
    await waitFor(async () => {
      const found = await target.admin.query<{ pid: number }>(
        "select pid from pg_stat_activity where query like '%mid-flight%' and pid <> pg_backend_pid()",
      )
      pid = found.rows[0]?.pid
      return pid !== undefined
    })
    await terminate(pid ?? 0)
    const error = await running
    expect((error as Error).cause).toMatchObject({ code: '57P01' })
    expect(mapDatabaseError(error)).toMatchObject(UNAVAILABLE)
  })

  it('maps too many connections (53300) to 503', async () => {
    const database = await createDatabase({ url: limitedUrl, pool: { max: 2 } })
    opened.push(database)
    const error = await database.db
      .transaction(async (tx) => {
        await tx.execute(sql`select 1`)
        await database.db.execute(sql`select 2`)
      })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(Error)
    expect(getMessages(error)).toContain('too many connections')
    expect(mapDatabaseError(error)).toMatchObject(UNAVAILABLE)
  })

  it('pings, closes idempotently, and rejects a ping after close with DatabaseUnavailableError', async () => {
    const database = await open()
    expect(database.kind).toBe('postgres')
    await expect(database.ping()).resolves.toBeUndefined()
    await Promise.all([database.close(), database.close()])
    await database.close()
    await expect(database.ping()).rejects.toBeInstanceOf(DatabaseUnavailableError)
    const error = await database.db.execute(sql`select 1`).catch((caught: unknown) => caught)
    expect(mapDatabaseError(error)).toMatchObject(UNAVAILABLE)
  })
})

describe('ping on PostgreSQL does not queue behind requests', () => {
  let target: ScratchDatabase
  let locker: Client | undefined
  const opened: Database[] = []

  beforeAll(async () => {
    target = await createScratchDatabase()
  })

  afterAll(async () => {
    await locker?.end().catch(() => undefined)
    await Promise.all(opened.map((database) => database.close()))
    await target?.drop()
  })

  it('answers while every pooled connection waits on a locked table', async () => {
    const database = await createDatabase({
      url: target.url,
      pool: { max: 2, connectionTimeoutMs: 10_000, statementTimeoutMs: 20_000 },
      onPoolError: () => undefined,
    })
    opened.push(database)
    await database.db.execute(sql`create table slots (id int)`)
    locker = new Client({ connectionString: target.url })
    await locker.connect()
    await locker.query('BEGIN')
    await locker.query('LOCK TABLE slots IN ACCESS EXCLUSIVE MODE')
    // Two requests hold both pooled connections, a third waits for one.
    const hung = [1, 2, 3].map(() => database.db.execute(sql`select * from slots`).catch(() => undefined))
    await waitFor(async () => {
      const waiting = await target.admin.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
          where datname = $1 and wait_event_type = 'Lock'`,
        [target.name],
      )
      return waiting.rows[0]?.n === 2
    })
    await expect(database.ping({ timeoutMs: 1_000 })).resolves.toBeUndefined()
    await locker.query('ROLLBACK')
    await Promise.all(hung)
  })

  it('rejects within its timeout when nothing listens at the address', async () => {
    const database = await createDatabase({ url: 'postgres://app:pw@127.0.0.1:1/app' })
    opened.push(database)
    const started = performance.now()
    await expect(database.ping({ timeoutMs: 1_000 })).rejects.toBeInstanceOf(DatabaseUnavailableError)
    expect(performance.now() - started).toBeLessThan(1_000 + 500)
  })
})
