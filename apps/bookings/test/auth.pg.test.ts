import type { AuthPluginOptions } from '@shipshape/auth'
import { describeAuthContract, describeSignupRace } from '@shipshape/auth/testing'
import { origin, setupService } from './setup.ts'

// The auth contract, run against this service's own routes on PostgreSQL: brute force, enumeration,
// refresh reuse, forged JWTs, CSRF, cookie flags, secrets in logs, hostile input and another user's rows.
const options = {
  setup: (auth: Partial<AuthPluginOptions>) => setupService({ auth }),
  allowedOrigin: origin,
  resource: { path: '/resources', createBody: { name: 'mine' }, updateBody: { name: 'changed' } },
}

describeAuthContract(options)
describeSignupRace(options)
