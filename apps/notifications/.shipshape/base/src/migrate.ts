// Managed by shipshape: regen replaces this file, and edits here conflict with template changes (README.md).
import { ConfigError, loadEnv } from '@shipshape/config'
import { DatabaseUnavailableError, runMigrations } from '@shipshape/db'
import { envSchema } from './config.ts'
import { migrationsFolder, openDatabase } from './db/client.ts'

// `pnpm db:migrate`: applies pending migrations and exits. Safe to run from several deploys at once: the
// runner holds a PostgreSQL advisory lock while it migrates.
try {
  // Migrating signs nothing: development's warnings about throwaway secrets would only be noise here.
  const database = await openDatabase(loadEnv(envSchema, undefined, { onWarning: () => undefined }))
  try {
    const { applied } = await runMigrations(database, { migrationsFolder })
    process.stdout.write(`${applied} migration(s) applied\n`)
  } finally {
    await database.close()
  }
} catch (error) {
  // A bad environment or an unreachable database is the operator's to fix: one line, no stack trace.
  const isOperators = error instanceof ConfigError || error instanceof DatabaseUnavailableError
  console.error(isOperators ? error.message : error)
  // Exit now: an open database or a half-started server must not keep a failed process alive.
  process.exit(1)
}
