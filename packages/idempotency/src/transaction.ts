import type { AppDatabase } from '@shipshape/db'
import type { IdempotencyTransaction } from './database.ts'

export interface OpenTransaction {
  readonly tx: IdempotencyTransaction
  /** True until commit() or rollback() is called. */
  isOpen(): boolean
  /** Commits; rejects when COMMIT fails (then nothing of the transaction is kept). */
  commit(): Promise<void>
  /** Rolls back; never rejects: if the connection is gone, the server has already aborted the transaction. */
  rollback(): Promise<void>
}

class RollbackSignal extends Error {}

/**
 * Opens a drizzle transaction that outlives the call: drizzle only offers a callback scope, but an idempotent
 * request begins it in preHandler and ends it in onSend. The callback parks on a decision promise; commit()
 * and rollback() resolve it and wait for drizzle's own COMMIT/ROLLBACK and connection release.
 */
export async function openTransaction(db: AppDatabase): Promise<OpenTransaction> {
  const ready = Promise.withResolvers<IdempotencyTransaction>()
  const decision = Promise.withResolvers<boolean>()
  const settled = db
    .transaction(async (tx) => {
      ready.resolve(tx)
      if (!(await decision.promise)) throw new RollbackSignal()
    })
    .then(
      () => undefined,
      (error: unknown) => error,
    )
  const failedEarly = settled.then((error) => Promise.reject(error ?? new Error('transaction ended early')))
  failedEarly.catch(() => undefined)
  const tx = await Promise.race([ready.promise, failedEarly])
  let open = true
  return {
    tx,
    isOpen: () => open,
    async commit() {
      open = false
      decision.resolve(true)
      const error = await settled
      if (error !== undefined) throw error
    },
    async rollback() {
      open = false
      decision.resolve(false)
      await settled
    },
  }
}
