import type { WebhookEvent } from '@shipshape/webhooks'
import { handlePaymentEvent } from './domain/payments.ts'

/**
 * Handles one verified delivery to POST /webhooks/<source>, exactly once: @shipshape/webhooks has checked
 * the signature and recorded the delivery id, and calls this in the same transaction as that record.
 * Write the effect through `event.tx`, so that a redelivery, or a failure here, never applies it twice.
 * `stripe` carries payments (src/domain/payments.ts); `partner` deliveries are recorded and nothing more.
 */
export async function handleWebhook(event: WebhookEvent): Promise<void> {
  if (event.source === 'stripe') await handlePaymentEvent(event.tx, event.payload)
}
