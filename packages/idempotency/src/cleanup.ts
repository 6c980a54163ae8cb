import type { AppDatabase } from '@shipshape/db'
import { lte, sql } from 'drizzle-orm'
import { idempotencyKeys } from './schema.ts'

export interface DeleteExpiredOptions {
  /** The instant keys expire against; default the database's `now()`, the clock expiries were written with. */
  readonly now?: Date
}

/** Deletes keys whose retention has passed and returns how many; safe to run from every instance at once. */
export async function deleteExpiredIdempotencyKeys(
  db: AppDatabase,
  options: DeleteExpiredOptions = {},
): Promise<number> {
  const now = options.now === undefined ? sql`now()` : options.now
  const deleted = await db
    .delete(idempotencyKeys)
    .where(lte(idempotencyKeys.expiresAt, now))
    .returning({ key: idempotencyKeys.key })
  return deleted.length
}

/**
 * Runs the cleanup every `intervalMs` on an unref'd timer; failures go to `onError` and the next run retries. A
 * run still going when the next is due is not stacked. The returned `stop` resolves once no run is in flight,
 * so nothing is deleted after the app has closed (or on a database it has closed).
 */
export function startCleanup(
  db: AppDatabase,
  intervalMs: number,
  onError: (error: unknown) => void,
): () => Promise<void> {
  let running: Promise<void> | undefined
  const timer = setInterval(() => {
    running ??= deleteExpiredIdempotencyKeys(db)
      .then(() => undefined, onError)
      .finally(() => {
        running = undefined
      })
  }, intervalMs)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await running
  }
}
