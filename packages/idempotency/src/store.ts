import { and, eq, lte, sql } from 'drizzle-orm'
import type { IdempotencyTransaction } from './database.ts'
import { getRows } from './database.ts'
import { getKeyLockId } from './key-lock.ts'
import type { IdempotencyKeyRow } from './schema.ts'
import { idempotencyKeys } from './schema.ts'

export interface KeyClaim {
  readonly scope: string
  readonly key: string
  readonly fingerprint: string
  readonly retentionMs: number
  readonly idleTimeoutMs: number | undefined
}

export type ClaimResult =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'busy' }
  | { readonly kind: 'stored'; readonly row: IdempotencyKeyRow }

export interface StoredResponse {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: Uint8Array
}

/**
 * Claims (scope, key) inside the request's open transaction. A transaction-scoped advisory lock answers
 * "someone is running this key" without waiting; the primary key is the second guard: even without the
 * lock, a second INSERT would block on the uncommitted row and then see the committed one.
 */
export async function claimKey(tx: IdempotencyTransaction, claim: KeyClaim): Promise<ClaimResult> {
  if (!(await tryLockKey(tx, claim))) return { kind: 'busy' }
  const match = and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key))
  await tx.delete(idempotencyKeys).where(and(match, lte(idempotencyKeys.expiresAt, sql`now()`)))
  const inserted = await tx
    .insert(idempotencyKeys)
    .values({
      scope: claim.scope,
      key: claim.key,
      fingerprint: claim.fingerprint,
      status: 'in_progress',
      expiresAt: getExpiry(claim.retentionMs),
    })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key })
  if (inserted.length > 0) return { kind: 'claimed' }
  const [row] = await tx.select().from(idempotencyKeys).where(match)
  if (row === undefined || row.status !== 'completed') return { kind: 'busy' }
  return { kind: 'stored', row }
}

/** Records the response in the row claimed by this transaction; it commits together with the effect. */
export async function completeKey(
  tx: IdempotencyTransaction,
  claim: KeyClaim,
  response: StoredResponse,
): Promise<void> {
  await tx
    .update(idempotencyKeys)
    .set({
      status: 'completed',
      responseStatus: response.status,
      responseHeaders: response.headers,
      responseBody: response.body,
      expiresAt: getExpiry(claim.retentionMs),
    })
    .where(and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key)))
}

async function tryLockKey(tx: IdempotencyTransaction, claim: KeyClaim): Promise<boolean> {
  if (claim.idleTimeoutMs !== undefined) {
    // The server kills a session whose handler sits idle this long holding the key, which releases it.
    await tx.execute(
      sql`select set_config('idle_in_transaction_session_timeout', ${String(claim.idleTimeoutMs)}, true)`,
    )
  }
  const result = await tx.execute(
    sql`select pg_try_advisory_xact_lock(${getKeyLockId(claim.scope, claim.key)}) as locked`,
  )
  return getRows(result)[0]?.locked === true
}

function getExpiry(retentionMs: number) {
  return sql`now() + make_interval(secs => ${retentionMs / 1000}::double precision)`
}
