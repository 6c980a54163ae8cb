import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'

/**
 * Any drizzle PostgreSQL database (node-postgres or PGlite). Only the core query builder is used, so the
 * service's relational schema does not matter here.
 */
// biome-ignore lint/suspicious/noExplicitAny: the service's schema type varies; the plugin never reads it.
export type AuthDatabase = PgDatabase<PgQueryResultHKT, any>
