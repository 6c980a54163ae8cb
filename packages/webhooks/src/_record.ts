import type { AppDatabase } from '@shipshape/db'
import type { PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core'
import type { TablesRelationalConfig } from 'drizzle-orm/relations'
import { webhookDeliveries } from './schema.ts'

/**
 * A drizzle PostgreSQL transaction of any driver (pg Pool or PGlite). Typed without the service's schema, so
 * `tx.insert/select/update/delete/execute` are typed and the relational `tx.query` is not.
 */
export type WebhookTransaction = PgTransaction<
  PgQueryResultHKT,
  Record<string, unknown>,
  TablesRelationalConfig
>

export type DeliveryOutcome = 'processed' | 'duplicate'

/**
 * Claims (source, id) and runs the effect in one transaction. The insert comes first: a committed claim means
 * a redelivery is a no-op, a concurrent duplicate blocks on the primary key until this transaction ends, and
 * an effect that throws rolls the claim back so the sender's retry can succeed later.
 */
export async function recordDelivery(
  db: AppDatabase,
  delivery: { readonly source: string; readonly id: string },
  effect: (tx: WebhookTransaction) => Promise<void>,
): Promise<DeliveryOutcome> {
  return db.transaction(async (tx) => {
    const claimed = await tx
      .insert(webhookDeliveries)
      .values({ source: delivery.source, id: delivery.id })
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id })
    if (claimed.length === 0) return 'duplicate'
    await effect(tx)
    return 'processed'
  })
}
