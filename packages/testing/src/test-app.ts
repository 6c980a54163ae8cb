import type { App } from '@shipshape/server'
import { afterAll } from 'vitest'
import { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from './test-database.ts'

export type TestService<TSchema extends Record<string, unknown>> = {
  app: App
  database: TestDatabase<TSchema>
}

/**
 * Builds the service for one test file on its own database and closes both after the file's tests: call it
 * at the top level of a test file.
 */
export async function setupTestService<TSchema extends Record<string, unknown>>(
  options: TestDatabaseOptions<TSchema> & { build: (database: TestDatabase<TSchema>) => Promise<App> },
): Promise<TestService<TSchema>> {
  const database = await createTestDatabase(options)
  const app = await options.build(database)
  await app.ready()
  afterAll(async () => {
    await app.close()
    await database.destroy()
  })
  return { app, database }
}
