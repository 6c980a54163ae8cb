import type { App } from '@shipshape/server'
import { afterAll, test } from 'vitest'
import { getBaseUrl } from './http.ts'
import { captureLogs, type LogCapture } from './logs.ts'
import { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from './test-database.ts'

export type TestServiceOptions<TSchema extends Record<string, unknown>> = TestDatabaseOptions<TSchema> & {
  /** Builds the app on the test's database; give `logs.stream` to its logger to read what it logs. */
  build: (database: TestDatabase<TSchema>, logs: LogCapture) => Promise<App>
}

export type TestService<TSchema extends Record<string, unknown>> = {
  app: App
  database: TestDatabase<TSchema>
  logs: LogCapture
  close(): Promise<void>
}

/** The app on its own database, ready; `close()` closes the app, then destroys the database. */
export async function createTestService<TSchema extends Record<string, unknown>>(
  options: TestServiceOptions<TSchema>,
): Promise<TestService<TSchema>> {
  const logs = captureLogs()
  const database = await createTestDatabase(options)
  let app: App
  try {
    app = await options.build(database, logs)
    await app.ready()
  } catch (error) {
    await database.destroy()
    throw error
  }
  return {
    app,
    database,
    logs,
    close: async () => {
      await app.close()
      await database.destroy()
    },
  }
}

/**
 * `createTestService` for one test file, closed after the file's tests: call it at the top level of a test
 * file (`const { app } = await setupTestService(...)`), as fastify/demo's `build(t)` does.
 */
export async function setupTestService<TSchema extends Record<string, unknown>>(
  options: TestServiceOptions<TSchema>,
): Promise<TestService<TSchema>> {
  const service = await createTestService(options)
  afterAll(() => service.close())
  return service
}

/**
 * The same service as vitest fixtures (`test.extend`), set up for the first test of a file that asks for
 * one and closed after its last: `database`, `logs`, `app` (ready, answering `app.inject`) and `baseUrl`
 * (the app listening on a free loopback port, for a client that needs a socket).
 *
 * ```ts
 * const test = createServiceTest({ schema, migrationsFolder, build })
 * test('answers 404 as a problem', async ({ app }) => { ... })
 * ```
 */
export function createServiceTest<TSchema extends Record<string, unknown>>(
  options: TestServiceOptions<TSchema>,
) {
  return (
    test
      // biome-ignore lint/correctness/noEmptyPattern: vitest reads what a fixture depends on from this pattern
      .extend('service', { scope: 'file' }, async ({}, { onCleanup }) => {
        const service = await createTestService(options)
        onCleanup(() => service.close())
        return service
      })
      .extend('database', { scope: 'file' }, ({ service }) => service.database)
      .extend('logs', { scope: 'file' }, ({ service }) => service.logs)
      .extend('app', { scope: 'file' }, ({ service }) => service.app)
      .extend('baseUrl', { scope: 'file' }, ({ service }) => getBaseUrl(service.app))
  )
}
