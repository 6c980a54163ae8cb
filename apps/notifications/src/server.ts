import { ConfigError, loadEnv } from '@shipshape/config'
import { runMigrations } from '@shipshape/db'
import { startServer } from '@shipshape/server'
import { shutdownTelemetry } from '@shipshape/telemetry'
import { buildApp } from './app.ts'
import { envSchema } from './config.ts'
import { migrationsFolder, openDatabase } from './db/client.ts'

// The process: read the environment, open the database, serve until SIGTERM/SIGINT, then drain and exit.
try {
  const config = loadEnv(envSchema, undefined, { onWarning: (message) => console.warn(message) })
  const database = await openDatabase(config)
  // The embedded database has no separate migration step; PostgreSQL migrates with `pnpm db:migrate`
  // (or MIGRATE_ON_START=true), so that deploying and migrating stay two decisions.
  if (database.kind === 'pglite' || config.MIGRATE_ON_START)
    await runMigrations(database, { migrationsFolder })
  const app = await buildApp(config, database)
  await startServer(app, {
    port: config.PORT,
    host: config.HOST,
    graceMs: config.SHUTDOWN_GRACE_MS,
    // Spans a collector has not taken by the end of the grace period are dropped, not waited for.
    onShutdown: ({ signal }) => shutdownTelemetry({ signal }),
  })
  // A database that is down does not stop the service from starting (/readyz keeps it out of rotation until
  // it answers), but the operator hears about it now, not at the first request.
  database.ping().catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : 'no answer'
    app.log.warn({ err: error }, `${reason}; /readyz answers 503 until it answers`)
  })
} catch (error) {
  // A bad environment is the operator's to fix: say what is wrong, without a stack trace.
  console.error(error instanceof ConfigError ? error.message : error)
  // Exit now: an open database or a half-started server must not keep a failed process alive.
  process.exit(1)
}
