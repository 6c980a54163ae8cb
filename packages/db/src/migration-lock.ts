import type { Client } from 'pg'

/**
 * The advisory-lock key every shipshape service takes while migrating ("Shipshap" in ASCII). Advisory locks
 * are scoped to one database, so services on different databases never wait for each other.
 */
export const MIGRATION_LOCK_KEY = '6009872373016682864'

/**
 * Runs `work` while holding the session-level migration lock on `client`. Other instances block in
 * pg_advisory_lock until this one unlocks, then see the migrations already applied.
 */
export async function withMigrationLock<T>(client: Client, work: () => Promise<T>): Promise<T> {
  // Waiting for the lock, and a long migration (an index on a big table), must not hit the pool's
  // statement timeout; this session is dedicated to migrating and ends right after.
  await client.query('SET statement_timeout = 0')
  await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY])
  try {
    return await work()
  } finally {
    // If the connection broke, unlock fails; ending the session (the caller's job) frees the lock anyway.
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => undefined)
  }
}
