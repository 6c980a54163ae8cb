import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createScratchDatabase, endPool, type ScratchDatabase } from './postgres.ts'

let database: ScratchDatabase
beforeAll(async () => {
  database = await createScratchDatabase()
})
afterAll(() => database?.drop())

/** A pool with three open, idle connections, and the sockets of its clients. */
async function openPool() {
  const pool = new pg.Pool({ connectionString: database.url, max: 3 })
  const sockets: { destroyed: boolean }[] = []
  pool.on('connect', (client) => {
    sockets.push((client as unknown as { connection: { stream: { destroyed: boolean } } }).connection.stream)
  })
  await Promise.all([1, 2, 3].map(() => pool.query('SELECT pg_sleep(0.05)')))
  return { pool, sockets }
}

it('endPool returns once every connection of the pool is closed; pool.end() returns before', async () => {
  const ended = await openPool()
  await ended.pool.end()
  // The race a drop right after pool.end() runs into: sessions still open.
  expect(ended.sockets.filter((socket) => !socket.destroyed).length).toBeGreaterThan(0)

  const waited = await openPool()
  expect(waited.sockets).toHaveLength(3)
  await endPool(waited.pool)
  expect(waited.sockets.filter((socket) => !socket.destroyed)).toEqual([])
})

it('endPool of a pool that never connected returns at once', async () => {
  await endPool(new pg.Pool({ connectionString: database.url }))
})
