// How many migrations a call applied: drizzle's journal table counted before and after, on either database.
import type { Execute } from './probe-connection.ts'

// drizzle's defaults: the table that records applied migrations.
const JOURNAL_TABLE = 'drizzle.__drizzle_migrations'

async function countApplied(execute: Execute): Promise<number> {
  const found = await execute(`SELECT to_regclass('${JOURNAL_TABLE}') IS NOT NULL AS "exists"`)
  const exists = (found.rows[0] as { exists: boolean } | undefined)?.exists === true
  if (!exists) return 0
  const counted = await execute(`SELECT count(*)::int AS "count" FROM ${JOURNAL_TABLE}`)
  return (counted.rows[0] as { count: number } | undefined)?.count ?? 0
}

export async function countWhile(execute: Execute, migrate: () => Promise<void>): Promise<number> {
  const before = await countApplied(execute)
  await migrate()
  return (await countApplied(execute)) - before
}
