import { eq, type Placeholder, type SQL } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'

/**
 * The condition every owner-scoped query adds (`where(and(eq(items.id, id), ownedBy(items.ownerId, user.id)))`):
 * another user's row is then simply not found, so it answers 404, never 403, and never leaks that it exists.
 * A prepared query passes `sql.placeholder('ownerId')` and the user's id when it runs.
 */
export function ownedBy(ownerColumn: PgColumn, userId: string | Placeholder): SQL {
  return eq(ownerColumn, userId)
}
