import { afterAll } from 'vitest'
import type { TestApp } from '../_test-app.ts'
import { startTestApp } from '../_test-app.ts'
import type { TestDatabase } from '../_test-database.ts'
import { createTestDatabase } from '../_test-database.ts'
import { describeIdempotencyContract } from './index.ts'

let database: TestDatabase | undefined
let test: TestApp | undefined

afterAll(async () => {
  await test?.close()
  await database?.drop()
})

// The suite as a generated service runs it: an app that is ready but not listening, two callers.
describeIdempotencyContract({
  async setup() {
    database = await createTestDatabase(process.env.PG_ADMIN_URL)
    test = await startTestApp({ url: database.url, listen: false })
    return { app: test.app }
  },
  authenticate: async (_app, caller) => ({ 'x-test-user': `user-${caller}` }),
  create: {
    path: '/items',
    body: { name: 'contract' },
    otherBody: { name: 'another' },
    countRows: async () => (await getTestApp()).countItems(),
  },
})

async function getTestApp(): Promise<TestApp> {
  if (test === undefined) throw new Error('the test app is not set up')
  return test
}
