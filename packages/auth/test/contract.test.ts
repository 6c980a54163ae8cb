import { afterAll } from 'vitest'
import type { AuthPluginOptions } from '../src/index.ts'
import { type AuthContractOptions, describeAuthContract, describeSignupRace } from '../src/testing/index.ts'
import { buildTestApp, ORIGIN } from './helpers/test-app.ts'
import { createTestDatabase } from './helpers/test-database.ts'

/** The package's test app, built the way a service builds its own: one instance and database per area. */
async function setupContractService(auth: Partial<AuthPluginOptions>) {
  const database = await createTestDatabase()
  const test = await buildTestApp(database, auth)
  afterAll(async () => {
    await test.close()
    await database.drop()
  })
  return { app: test.app, db: database.db, logs: test.logs }
}

const options: AuthContractOptions = {
  setup: setupContractService,
  allowedOrigin: ORIGIN,
  resource: { path: '/notes', createBody: { body: 'first draft' }, updateBody: { body: 'second draft' } },
}

describeAuthContract(options)
describeSignupRace(options)
