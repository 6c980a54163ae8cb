import type { PostgresTestDatabase } from '@shipshape/testing'
import { afterAll } from 'vitest'
import { createItemsDatabase, type ItemsApp, startItemsApp } from '../../test/items-app.ts'
import { describeIdempotencyContract } from './index.ts'

let database: PostgresTestDatabase | undefined
let test: ItemsApp | undefined

afterAll(async () => {
  await test?.close()
  await database?.destroy()
})

// The suite as a generated service runs it: an app that is ready but not listening, two callers.
describeIdempotencyContract({
  async setup() {
    database = await createItemsDatabase()
    test = await startItemsApp({ url: database.url, listen: false })
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

async function getTestApp(): Promise<ItemsApp> {
  if (test === undefined) throw new Error('the test app is not set up')
  return test
}
