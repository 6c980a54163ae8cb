import { describeIdempotencyContract } from '@shipshape/idempotency/testing'
import { count } from 'drizzle-orm'
import { resources } from '../src/db/schema.ts'
import { cheapArgon2, setupService, signUp } from './setup.ts'

// The Idempotency-Key contract, run against this service's own POST /resources (POST /bookings in test/slots.pg.test.ts) on PostgreSQL.
const service = await setupService({ auth: { testArgon2Params: cheapArgon2 } })

describeIdempotencyContract({
  setup: async () => ({ app: service.app }),
  authenticate: async (app) => (await signUp(app)).headers,
  create: {
    path: '/resources',
    body: { name: 'paid once' },
    otherBody: { name: 'paid twice?' },
    countRows: async () => {
      const [row] = await service.db.select({ rows: count() }).from(resources)
      return row?.rows ?? 0
    },
  },
})
