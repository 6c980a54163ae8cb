import { desc, type SQL, sql } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'

/** A position in a list ordered by (createdAt, id): the last row a client has seen. */
export type Cursor = { createdAt: Date; id: string }

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** An opaque, URL-safe token for a keyset page boundary. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url')
}

/**
 * Reads a token made by encodeCursor; anything else (tampered, truncated, hand-made) is undefined, so the
 * caller answers 400 instead of letting a malformed value reach SQL.
 */
export function decodeCursor(token: string): Cursor | undefined {
  if (token.length > 200 || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return undefined
  const [iso, id] = decoded as unknown[]
  if (typeof iso !== 'string' || typeof id !== 'string' || !uuidPattern.test(id)) return undefined
  const createdAt = new Date(iso)
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== iso) return undefined
  return { createdAt, id }
}

/** The columns a keyset page is ordered by: newest first, the id breaking ties (a table has both). */
export interface KeysetColumns {
  createdAt: AnyPgColumn
  id: AnyPgColumn
}

/**
 * afterCursor's operands for a query prepared once (`db.select()...prepare(name)`): the query names the cursor,
 * `cursorParams(cursor)` fills it in when the query runs.
 */
export const cursorPlaceholders = {
  createdAt: sql.placeholder('cursorCreatedAt'),
  id: sql.placeholder('cursorId'),
} as const

/** The values of cursorPlaceholders for a decoded cursor. */
export function cursorParams(cursor: Cursor): { cursorCreatedAt: Date; cursorId: string } {
  return { cursorCreatedAt: cursor.createdAt, cursorId: cursor.id }
}

/** The condition for the rows after `cursor` in newest-first order; undefined on the first page. */
export function afterCursor(
  columns: KeysetColumns,
  cursor: Cursor | typeof cursorPlaceholders | undefined,
): SQL | undefined {
  return cursor === undefined
    ? undefined
    : sql`(${columns.createdAt}, ${columns.id}) < (${cursor.createdAt}, ${cursor.id})`
}

/** Newest first, then id: the order afterCursor continues (`.orderBy(...newestFirst(table))`). */
export function newestFirst(columns: KeysetColumns): [SQL, SQL] {
  return [desc(columns.createdAt), desc(columns.id)]
}

/**
 * A page from rows read with `limit + 1`: the first `limit`, mapped, and the cursor of the last one when a
 * further row exists (null on the last page).
 */
export function toPage<TRow extends Cursor, TItem>(
  rows: TRow[],
  limit: number,
  toItem: (row: TRow) => TItem,
): { data: TItem[]; nextCursor: string | null } {
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  const nextCursor =
    rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null
  return { data: page.map(toItem), nextCursor }
}
