import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'

type QueryBuilders = Pick<PgDatabase<PgQueryResultHKT>, 'execute' | 'select' | 'insert' | 'update' | 'delete'>

/** The transaction an idempotent handler writes its effect in (`request.idempotencyTx`). */
export type IdempotencyTransaction = QueryBuilders

/** Reads `rows` from a raw `execute` result: node-postgres and PGlite both return `{ rows }`. */
export function getRows(result: unknown): Record<string, unknown>[] {
  if (typeof result === 'object' && result !== null && 'rows' in result && Array.isArray(result.rows)) {
    return result.rows
  }
  return []
}
