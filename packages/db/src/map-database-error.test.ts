import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getRefusingUrl, type SilentServer, startSilentServer } from '../test/silent-server.ts'
import { createDatabase } from './create-database.ts'
import { DatabaseUnavailableError } from './errors.ts'
import { mapDatabaseError } from './map-database-error.ts'
import type { Database } from './types.ts'

const UNAVAILABLE = {
  status: 503,
  code: 'unavailable',
  detail: 'The database is unavailable; retry later.',
}

function getMessages(error: unknown): string[] {
  const messages: string[] = []
  for (let current = error; current instanceof Error; current = current.cause) messages.push(current.message)
  return messages
}

describe('mapDatabaseError against servers that do not answer', () => {
  let silent: SilentServer
  let refusingUrl: string
  const opened: Database[] = []

  async function open(url: string, connectionTimeoutMs = 300): Promise<Database> {
    const database = await createDatabase({ url, pool: { max: 1, connectionTimeoutMs } })
    opened.push(database)
    return database
  }

  beforeAll(async () => {
    silent = await startSilentServer()
    refusingUrl = await getRefusingUrl()
  })

  afterAll(async () => {
    // Dropping the silent server's sockets first makes pending connects fail now, so close() is quick.
    await silent.close()
    await Promise.all(opened.map((database) => database.close()))
  })

  it('maps a refused connection (ECONNREFUSED under DrizzleQueryError) to 503 without the SQL', async () => {
    const database = await open(refusingUrl)
    const error = await database.db.execute(sql`select 'secret-marker'`).catch((caught: unknown) => caught)
    expect(getMessages(error).join('\n')).toContain('secret-marker')
    const problem = mapDatabaseError(error)
    expect(problem).toEqual(UNAVAILABLE)
    expect(JSON.stringify(problem)).not.toContain('secret-marker')
  })

  it('maps both pool connect timeouts (opening one, waiting for a free one) to 503', async () => {
    const database = await open(silent.url)
    const errors = await Promise.all([
      database.db.execute(sql`select 1`).catch((caught: unknown) => caught),
      database.db.execute(sql`select 2`).catch((caught: unknown) => caught),
    ])
    const messages = errors.flatMap(getMessages)
    expect(messages).toContain('Connection terminated due to connection timeout')
    expect(messages).toContain('timeout exceeded when trying to connect')
    expect(errors.map(mapDatabaseError)).toEqual([UNAVAILABLE, UNAVAILABLE])
  })

  it('rejects a ping to a server that never answers with DatabaseUnavailableError, promptly', async () => {
    const database = await open(silent.url, 15_000)
    const started = Date.now()
    const error = await database.ping({ timeoutMs: 300 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(DatabaseUnavailableError)
    expect(error).toMatchObject({ code: 'SHIPSHAPE_DB_UNAVAILABLE' })
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(mapDatabaseError(error)).toEqual(UNAVAILABLE)
  })

  it('rejects a ping to a closed port with DatabaseUnavailableError carrying the cause', async () => {
    const database = await open(refusingUrl)
    const error = await database.ping({ timeoutMs: 5_000 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(DatabaseUnavailableError)
    expect(mapDatabaseError((error as Error).cause)).toEqual(UNAVAILABLE)
  })
})

describe('mapDatabaseError on values it does not know', () => {
  it('returns undefined for non-errors and unrelated errors, and stops on a cause cycle', () => {
    const cyclic = new Error('a')
    const other = new Error('b', { cause: cyclic })
    cyclic.cause = other
    for (const value of [undefined, null, 'ECONNREFUSED', 42, new Error('boom'), { code: '42P01' }, cyclic]) {
      expect(mapDatabaseError(value)).toBeUndefined()
    }
  })

  it('hands out a fresh object each time, so a caller cannot corrupt the next answer', () => {
    const first = mapDatabaseError(new DatabaseUnavailableError())
    if (first === undefined) throw new Error('expected a problem')
    first.detail = 'changed'
    expect(mapDatabaseError(new DatabaseUnavailableError())).toEqual(UNAVAILABLE)
  })
})
