import type { WebhookEvent } from '@shipshape/webhooks'

/**
 * Handles one verified delivery to POST /webhooks/<source>, exactly once: @shipshape/webhooks has checked
 * the signature and recorded the delivery id, and calls this in the same transaction as that record.
 * The service does nothing with deliveries yet; write the effect through `event.tx`, so that a redelivery,
 * or a failure here, never applies it twice.
 */
export async function handleWebhook(_event: WebhookEvent): Promise<void> {}
