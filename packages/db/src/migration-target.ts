import type { PGlite } from '@electric-sql/pglite'
import type { Client } from 'pg'
import type { Probe } from './probe.ts'

/** What runMigrations needs from a Database, kept off the public object so the surface stays small. */
export type MigrationTarget =
  | {
      kind: 'postgres'
      openMigrationClient: () => Promise<Client>
      /** The probe running now, or a new one: a short-lived connection of its own, never a pooled one. */
      probe: (timeoutMs: number) => Probe
    }
  | {
      kind: 'pglite'
      client: PGlite
      /** Applies the folder's pending migrations; returns how many. Kept with PGlite, loaded only for it. */
      migrate: (migrationsFolder: string) => Promise<number>
    }

// Keyed by the drizzle instance, not the Database object: wrappers that spread a Database (the test kit's)
// keep the same `db`, so they keep their target.
const targets = new WeakMap<object, MigrationTarget>()

export function registerMigrationTarget(database: { db: object }, target: MigrationTarget): void {
  targets.set(database.db, target)
}

export function getMigrationTarget(database: { db: object }): MigrationTarget | undefined {
  return targets.get(database.db)
}
