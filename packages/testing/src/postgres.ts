import { randomBytes } from 'node:crypto'
import type { Pool } from 'pg'
import { dropDatabase, runAdmin, withDatabaseName } from './_postgres-admin.ts'

export type ScratchDatabase = {
  /** Generated (hex only), so statements built from it cannot be injected. */
  name: string
  url: string
  /** Drops the database, ending every connection still open to it. */
  drop(): Promise<void>
}

/**
 * A new, empty PostgreSQL database for one test file on the server at `adminUrl` (default PG_ADMIN_URL), so
 * files run in parallel without sharing rows. Fails, never skips, when no server is configured.
 *
 * This module imports nothing of shipshape's and loads `pg` only when called: `@shipshape/telemetry`'s tests
 * import it before they start the preload that has to be first to load `pg`.
 */
export async function createScratchDatabase(adminUrl = process.env.PG_ADMIN_URL): Promise<ScratchDatabase> {
  if (!adminUrl) {
    throw new Error(
      'PG_ADMIN_URL is not set: these tests need a real PostgreSQL (bash tooling/scripts/test.sh starts one)',
    )
  }
  const name = `test_${randomBytes(6).toString('hex')}`
  await runAdmin(adminUrl, `CREATE DATABASE ${name}`)
  return {
    name,
    url: withDatabaseName(adminUrl, name),
    drop: () => dropDatabase(adminUrl, name),
  }
}

/**
 * Ends a `pg` pool and waits until every client's connection has closed. `pool.end()` resolves as soon as it
 * has asked its idle clients to end, before their sockets close: a `drop()` right after it (which ends the
 * sessions still open) can then reach one of them, and its error arrives on a pool nobody listens to any more.
 */
export async function endPool(pool: Pool): Promise<void> {
  let open = pool.totalCount
  const closed = new Promise<void>((resolve) => {
    if (open === 0) resolve()
    pool.on('remove', () => {
      open--
      if (open === 0) resolve()
    })
  })
  await pool.end()
  await closed
}
