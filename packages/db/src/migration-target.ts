import type { PGlite } from '@electric-sql/pglite'
import type { Client } from 'pg'
import type { Execute } from './probe-connection.ts'

/** What runMigrations needs from a Database, kept off the public object so the surface stays small. */
export type MigrationTarget =
  | {
      kind: 'postgres'
      openMigrationClient: () => Promise<Client>
      /** Runs `work` on a short-lived connection of its own (readiness checks), never a pooled one. */
      withProbe: <T>(timeoutMs: number, work: (execute: Execute) => Promise<T>) => Promise<T>
    }
  | { kind: 'pglite'; client: PGlite; queue: { tail: Promise<unknown> } }

const targets = new WeakMap<object, MigrationTarget>()

export function registerMigrationTarget(database: object, target: MigrationTarget): void {
  targets.set(database, target)
}

export function getMigrationTarget(database: object): MigrationTarget | undefined {
  return targets.get(database)
}
