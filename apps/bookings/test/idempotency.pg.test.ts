import { describeIdempotencyContract } from '@shipshape/idempotency/testing'
import { count } from 'drizzle-orm'
import { bookings } from '../src/db/schema.ts'
import { cheapArgon2, setupService, signUp } from './setup.ts'

// The Idempotency-Key contract, run against this service's own POST /bookings on PostgreSQL.
const service = await setupService({ auth: { testArgon2Params: cheapArgon2 } })

describeIdempotencyContract({
  setup: async () => ({ app: service.app }),
  authenticate: async (app) => (await signUp(app)).headers,
  create: {
    path: '/bookings',
    body: { name: 'paid once' },
    otherBody: { name: 'paid twice?' },
    countRows: async () => {
      const [row] = await service.db.select({ rows: count() }).from(bookings)
      return row?.rows ?? 0
    },
  },
})
