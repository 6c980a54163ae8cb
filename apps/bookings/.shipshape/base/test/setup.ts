import { loadEnv } from '@shipshape/config'
import { setupTestService } from '@shipshape/testing'
import { buildApp } from '../src/app.ts'
import { envSchema } from '../src/config.ts'
import { migrationsFolder } from '../src/db/client.ts'
import * as schema from '../src/db/schema.ts'

/** The service's config as tests see it: quiet logs and no rate limit unless a test asks for one. */
export function getTestConfig(overrides: Record<string, string> = {}) {
  return loadEnv(envSchema, { APP_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '0', ...overrides })
}

/** The service on its own database (PGlite, or a fresh PostgreSQL database when DATABASE_URL is set). */
export function setupService(overrides: Record<string, string> = {}) {
  return setupTestService({
    schema,
    migrationsFolder,
    build: (database) => buildApp(getTestConfig(overrides), database),
  })
}
