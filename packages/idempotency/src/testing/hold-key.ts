import type { AppDatabase } from '@shipshape/db'
import { sql } from 'drizzle-orm'
import { getKeyLockId } from '../key-lock.ts'

/**
 * Runs `during` while a transaction on `db` holds the key's lock, as another instance mid-request does: a
 * request with that key in the meantime answers 409 `idempotency_in_progress`. `scope` is the caller's
 * (by default `user:<id>` for a signed-in user). PostgreSQL only: give it a connection the service under
 * test does not need (the embedded database has one, so there requests queue and never overlap).
 */
export function holdIdempotencyKey<T>(
  db: AppDatabase,
  held: { scope: string; key: string },
  during: () => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${getKeyLockId(held.scope, held.key)})`)
    return during()
  })
}
