import { AsyncLocalStorage } from 'node:async_hooks'
import { OptionsError } from '@shipshape/errors'

/** The key a running handler holds: its transaction, open until the plugin commits or rolls it back. */
export interface HeldKey {
  isOpen(): boolean
}

const heldKeys = new AsyncLocalStorage<HeldKey>()
const guardedSessions = new WeakSet<object>()

const ROOT_DATABASE_REFUSED =
  'This request holds an Idempotency-Key, so its handler must query through getRequestDatabase(request, db), ' +
  "the key's transaction, not through db. Through db the query runs outside that transaction: on PostgreSQL " +
  'a write commits even when the request fails (the retry then repeats it), on the embedded database it waits ' +
  'for the transaction forever.'

/** Runs a handler whose request holds `key`: until the key's transaction ends, the root database refuses it. */
export function runHoldingKey<T>(key: HeldKey, run: () => T): T {
  return heldKeys.run(key, run)
}

function refuseWhileKeyHeld(): void {
  if (heldKeys.getStore()?.isOpen()) {
    throw new OptionsError('SHIPSHAPE_IDEMPOTENCY_ROOT_DATABASE_REFUSED', ROOT_DATABASE_REFUSED)
  }
}

type SessionMethod = (...args: unknown[]) => unknown

/**
 * Makes the root database throw on any query (or transaction) started from a handler that holds a key,
 * instead of silently running it outside the key's transaction. Every query of a drizzle database goes
 * through its session's `prepareQuery`, and `transaction` opens another connection; a transaction's own
 * queries go through a session of its own, so `getRequestDatabase(request, db)` is untouched. The cost is one
 * AsyncLocalStorage lookup per root query. Idempotent per database.
 */
export function guardRootDatabase(db: object): void {
  const internals: unknown = Reflect.get(db, '_')
  const session: unknown =
    typeof internals === 'object' && internals !== null ? Reflect.get(internals, 'session') : undefined
  if (
    typeof session !== 'object' ||
    session === null ||
    typeof Reflect.get(session, 'prepareQuery') !== 'function' ||
    typeof Reflect.get(session, 'transaction') !== 'function'
  ) {
    throw new OptionsError(
      'SHIPSHAPE_IDEMPOTENCY_DATABASE_INVALID',
      'db must be a drizzle PostgreSQL database (node-postgres or PGlite)',
    )
  }
  if (guardedSessions.has(session)) return
  guardedSessions.add(session)
  for (const name of ['prepareQuery', 'transaction']) {
    const original = Reflect.get(session, name) as SessionMethod
    Reflect.set(session, name, function guarded(this: unknown, ...args: unknown[]) {
      refuseWhileKeyHeld()
      return Reflect.apply(original, this, args)
    })
  }
}
