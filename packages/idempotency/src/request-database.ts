import type { AppDatabase } from '@shipshape/db'
import type { PgDatabase } from 'drizzle-orm/pg-core'
import type { FastifyRequest } from 'fastify'

/** What a handler queries: the drizzle API shared by `db` and a transaction on it. */
export type RequestDatabase<TDb> =
  TDb extends PgDatabase<infer Q, infer S, infer R> ? PgDatabase<Q, S, R> : never

/**
 * The database a handler writes its effect to: the request's idempotency transaction when it holds a key,
 * else `db`. Writing through it is what makes the effect and the stored response commit or vanish together.
 */
export function getRequestDatabase<TDb extends AppDatabase>(
  request: FastifyRequest,
  db: TDb,
): RequestDatabase<TDb> {
  // The plugin opened this transaction on the same `db`, so it is a PgTransaction of the same driver and
  // schema, a subclass of PgDatabase; the plugin's own, schema-free type cannot say so.
  const tx: unknown = request.idempotencyTx
  return (tx ?? db) as RequestDatabase<TDb>
}
