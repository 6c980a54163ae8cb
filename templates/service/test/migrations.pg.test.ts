import { describeMigrationReadiness } from '@shipshape/testing/faults'
import { buildApp } from '../src/app.ts'
import { migrationsFolder, openDatabase } from '../src/db/client.ts'
import { getTestConfig, origin, password } from './setup.ts'

// The service started on an empty PostgreSQL database, before anyone ran `db:migrate`, with a small pool;
// sign-ups write the users table, which the suite locks to hold every pooled connection.
describeMigrationReadiness({
  migrationsFolder,
  start: async (databaseUrl) => {
    const config = getTestConfig({ DATABASE_URL: databaseUrl, DB_POOL_MAX: '2' })
    const database = await openDatabase(config)
    const app = await buildApp(config, database, { logger: { level: 'silent' }, underPressure: false })
    return { app, database }
  },
  lockedWrite: {
    table: 'users',
    request: (n) => ({
      method: 'POST',
      url: '/auth/signup',
      headers: { origin },
      payload: { email: `locked-${n}@example.com`, password },
    }),
  },
})
