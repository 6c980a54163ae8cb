import { lte, sql } from 'drizzle-orm'
import type { IdempotencyDatabase } from './database.ts'
import { idempotencyKeys } from './schema.ts'

export interface DeleteExpiredOptions {
  /** The instant keys expire against; default the database's `now()`, the clock expiries were written with. */
  readonly now?: Date
}

/** Deletes keys whose retention has passed and returns how many; safe to run from every instance at once. */
export async function deleteExpiredIdempotencyKeys(
  db: IdempotencyDatabase,
  options: DeleteExpiredOptions = {},
): Promise<number> {
  const now = options.now === undefined ? sql`now()` : options.now
  const deleted = await db
    .delete(idempotencyKeys)
    .where(lte(idempotencyKeys.expiresAt, now))
    .returning({ key: idempotencyKeys.key })
  return deleted.length
}

/** Runs the cleanup every `intervalMs` on an unref'd timer; failures go to `onError` and the next run retries. */
export function startCleanup(
  db: IdempotencyDatabase,
  intervalMs: number,
  onError: (error: unknown) => void,
): () => void {
  const timer = setInterval(() => {
    deleteExpiredIdempotencyKeys(db).catch(onError)
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
