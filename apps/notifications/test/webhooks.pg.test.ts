import { describeWebhookContract } from '@shipshape/webhooks/testing'
import { count, eq } from 'drizzle-orm'
import { webhookDeliveries } from '../src/db/schema.ts'
import { setupService, webhookSecret } from './setup.ts'

// The webhook contract, run against this service's own POST /webhooks/partner on PostgreSQL. The handler in
// src/webhooks.ts does nothing yet, so an effect is a recorded delivery; count your own rows once it acts.
const service = await setupService()

describeWebhookContract({
  setup: async () => ({ app: service.app }),
  source: 'partner',
  secret: webhookSecret,
  countEffects: async (id) => {
    const [row] = await service.db
      .select({ rows: count() })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.id, id))
    return row?.rows ?? 0
  },
})
