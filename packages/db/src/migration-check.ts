import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { OptionsError } from '@shipshape/errors'
import { DatabaseMigrationsPendingError } from './errors.ts'
import { readNewestApplied } from './journal.ts'
import { getMigrationTarget, type MigrationTarget } from './migration-target.ts'
import { getPingTimeout, runPing } from './run-ping.ts'
import type { Database } from './types.ts'

export interface MigrationCheckOptions {
  /** The folder the service migrates from: its `meta/_journal.json` lists every migration the code expects. */
  migrationsFolder: string
  /** Reject after this long (default 1 000 ms). */
  timeoutMs?: number
}

function readExpectedMillis(migrationsFolder: string): number[] {
  try {
    const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
      entries: { when: number }[]
    }
    return journal.entries.map((entry) => entry.when)
  } catch (error) {
    throw new OptionsError(
      'SHIPSHAPE_DB_MIGRATIONS_FOLDER_INVALID',
      `Cannot read the migrations journal in ${migrationsFolder}: ${error}`,
    )
  }
}

function readNewest(target: MigrationTarget, timeoutMs: number): Promise<number | undefined> {
  if (target.kind === 'postgres') return target.probe(timeoutMs).newestApplied
  return readNewestApplied((text) => target.client.query(text))
}

/**
 * A readiness check: resolves when every migration in the service's journal is applied, rejects with
 * DatabaseMigrationsPendingError (naming how many are pending) while one is not, and with
 * DatabaseUnavailableError when the database does not answer. It decides as drizzle's migrator does: a
 * migration is pending when its journal time is newer than the newest one recorded as applied. The journal
 * is read once, here; on PostgreSQL a check reads the database's probe (a short-lived connection of its own,
 * never a pooled one, which a ping asking at the same time shares).
 */
export function createMigrationCheck<TSchema extends Record<string, unknown>>(
  database: Database<TSchema>,
  options: MigrationCheckOptions,
): () => Promise<void> {
  const target = getMigrationTarget(database)
  if (target === undefined)
    throw new TypeError('createMigrationCheck needs a Database made by createDatabase')
  const expected = readExpectedMillis(options.migrationsFolder)
  const timeoutMs = getPingTimeout(options.timeoutMs)
  return async () => {
    let newest: number | undefined
    await runPing(async () => {
      newest = await readNewest(target, timeoutMs)
    }, timeoutMs)
    const pending = expected.filter((when) => newest === undefined || when > newest).length
    if (pending > 0) throw new DatabaseMigrationsPendingError(pending)
  }
}
