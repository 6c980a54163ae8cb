import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'

/** What `db.execute(sql)` resolves to: the part both drivers' results share. */
export interface QueryRows<TRow> {
  rows: TRow[]
}

export interface AppQueryResultHKT extends PgQueryResultHKT {
  type: QueryRows<this['row']>
}

/**
 * The drizzle instance services query through. One type for both drivers, so a service writes its queries
 * once and runs them on PostgreSQL in production and on PGlite in development and tests. Raw
 * `db.execute<Row>(sql)` resolves to `{ rows: Row[] }` on both.
 */
// biome-ignore lint/suspicious/noExplicitAny: with no schema named, any service schema fits.
export type AppDatabase<TSchema extends Record<string, unknown> = any> = PgDatabase<
  AppQueryResultHKT,
  TSchema
>

/** Pool settings for PostgreSQL; ignored by PGlite, which has exactly one connection. */
export interface PoolOptions {
  /** Most connections open at once (default 10). */
  max?: number
  /** Give up opening a connection, or waiting for a free one, after this long (default 500 ms). */
  connectionTimeoutMs?: number
  /** Close a connection that sat unused this long (default 30 000 ms). */
  idleTimeoutMs?: number
  /** The server cancels any statement running longer (default 1 000 ms), set on every connection. */
  statementTimeoutMs?: number
  /**
   * The client gives up on an answer after this long (default statementTimeoutMs + 250 ms); must be longer
   * than statementTimeoutMs, so that the server's cancel, which rolls back, comes first.
   */
  queryTimeoutMs?: number | undefined
  /** Shown in `pg_stat_activity` (default `shipshape`). */
  applicationName?: string
}

export interface DatabaseOptions<TSchema extends Record<string, unknown> = Record<string, never>> {
  /** `postgres://` or `postgresql://` URL → node-postgres Pool; undefined → embedded PGlite. */
  url?: string | undefined
  /** PGlite only: where its files live (created when missing); undefined → in memory. */
  dataDir?: string | undefined
  /** The service's drizzle schema (its tables), for typed relational queries. */
  schema?: TSchema
  pool?: PoolOptions
  /** Told about connections that fail while nobody is using them. Default: ignore; never crashes. */
  onPoolError?: (error: Error) => void
}

export interface PingOptions {
  /** Reject after this long even if the server never answers (default 1 000 ms). */
  timeoutMs?: number
}

export interface Database<TSchema extends Record<string, unknown> = Record<string, never>> {
  readonly kind: 'postgres' | 'pglite'
  readonly db: AppDatabase<TSchema>
  /**
   * Resolves once the server answers a question (PostgreSQL: on the probe's own connection, shared with a
   * migration check asking at the same time; PGlite: `SELECT 1`); rejects with DatabaseUnavailableError on
   * failure or timeout.
   */
  ping(options?: PingOptions): Promise<void>
  /** Ends the pool or closes PGlite; safe to call more than once. */
  close(): Promise<void>
}
