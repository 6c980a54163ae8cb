import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * One row per delivery that took effect. The primary key is what makes a delivery take effect once: the row
 * is inserted in the same transaction as the effect, so a redelivery finds it, and a concurrent duplicate
 * waits on the key until the first transaction commits or rolls back.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    source: text('source').notNull(),
    id: text('id').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.source, table.id] })],
)
