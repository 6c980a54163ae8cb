import { setupTestService } from '@shipshape/testing'
import { authService, ORIGIN } from '../../test/auth-app.ts'
import type { AuthPluginOptions } from '../index.ts'
import { type AuthContractOptions, describeAuthContract, describeSignupRace } from './index.ts'

/** The package's test app, built the way a service builds its own: one instance and database per area. */
async function setupContractService(auth: Partial<AuthPluginOptions>) {
  const { app, database, logs } = await setupTestService(authService(auth))
  return { app, db: database.db, logs: logs.raw }
}

const options: AuthContractOptions = {
  setup: setupContractService,
  allowedOrigin: ORIGIN,
  resource: { path: '/notes', createBody: { body: 'first draft' }, updateBody: { body: 'second draft' } },
}

describeAuthContract(options)
describeSignupRace(options)
