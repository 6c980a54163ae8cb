// drizzle's journal, read the same way on either database: whether it exists, the newest migration it
// records as applied (readiness), and how many a call applied (runMigrations).

/** Runs one statement without parameters; both drivers' clients fit. */
export type Execute = (text: string) => Promise<{ rows: unknown[] }>

// drizzle's defaults: the table its migrator records applied migrations in.
const JOURNAL_TABLE = 'drizzle.__drizzle_migrations'

/** Whether the journal table exists; it takes no lock, so a locked journal does not hold the answer. */
export async function journalExists(execute: Execute): Promise<boolean> {
  const found = await execute(`SELECT to_regclass('${JOURNAL_TABLE}') IS NOT NULL AS "exists"`)
  return (found.rows[0] as { exists: boolean } | undefined)?.exists === true
}

/** The newest applied migration's journal time, given that the journal exists; undefined when it is empty. */
export async function readNewestRecorded(execute: Execute): Promise<number | undefined> {
  const newest = await execute(`SELECT max(created_at)::text AS "newest" FROM ${JOURNAL_TABLE}`)
  const value = (newest.rows[0] as { newest: string | null } | undefined)?.newest
  return value == null ? undefined : Number(value)
}

/** The newest applied migration's journal time, or undefined when none was ever applied. */
export async function readNewestApplied(execute: Execute): Promise<number | undefined> {
  return (await journalExists(execute)) ? readNewestRecorded(execute) : undefined
}

async function countApplied(execute: Execute): Promise<number> {
  if (!(await journalExists(execute))) return 0
  const counted = await execute(`SELECT count(*)::int AS "count" FROM ${JOURNAL_TABLE}`)
  return (counted.rows[0] as { count: number } | undefined)?.count ?? 0
}

/** How many migrations `migrate` applied: the journal counted before and after. */
export async function countWhile(execute: Execute, migrate: () => Promise<void>): Promise<number> {
  const before = await countApplied(execute)
  await migrate()
  return (await countApplied(execute)) - before
}
