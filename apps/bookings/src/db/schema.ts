import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/**
 * The sample resource. Timestamps keep millisecond precision so that a cursor built from a JavaScript Date
 * points exactly at a row; the list query reads the (created_at, id) index backwards, newest first.
 */
export const bookings = pgTable(
  'bookings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    description: text('description'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [index('bookings_created_at_id_idx').on(table.createdAt, table.id)],
)
