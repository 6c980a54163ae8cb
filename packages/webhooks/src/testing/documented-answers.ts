import { randomUUID } from 'node:crypto'
import { signStandardWebhook } from '../standard.ts'

/** A request through the service under test (`app.inject`), as an OpenAPI coverage suite sends it. */
export type WebhookAnswerSend = (
  method: 'POST',
  url: string,
  request: { headers: Record<string, string>; body: string },
) => Promise<{ statusCode: number }>

/**
 * A body and the Standard Webhooks headers that sign it with `secret`: now and under a fresh id unless
 * `options` names them (a replay, a stale or future timestamp).
 */
export function createSignedDelivery(
  secret: string,
  body: string,
  options: { id?: string; timestampSeconds?: number } = {},
): { headers: Record<string, string>; body: string } {
  const id = options.id ?? `msg_${randomUUID()}`
  const timestamp = options.timestampSeconds ?? Math.floor(Date.now() / 1000)
  const signature = signStandardWebhook({ id, timestampSeconds: timestamp, body, secret })
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    },
  }
}

/**
 * A request for each answer `POST /webhooks/{source}` documents (200, 400, 401, 404), for a service's
 * OpenAPI coverage test: deliveries to `source`, signed with its `secret` (scheme 'standard').
 */
export function createWebhookAnswers(options: {
  send: WebhookAnswerSend
  source: string
  secret: string
}): Record<string, () => Promise<{ statusCode: number }>> {
  const { send, source, secret } = options
  const body = JSON.stringify({ type: 'coverage', data: {} })
  const url = `/webhooks/${encodeURIComponent(source)}`
  return {
    'POST /webhooks/{source} 200': () => send('POST', url, createSignedDelivery(secret, body)),
    'POST /webhooks/{source} 400': () => send('POST', url, createSignedDelivery(secret, 'not json')),
    'POST /webhooks/{source} 401': () => {
      const delivery = createSignedDelivery(secret, body)
      return send('POST', url, {
        ...delivery,
        headers: { ...delivery.headers, 'webhook-signature': 'v1,AAAA' },
      })
    },
    'POST /webhooks/{source} 404': () => send('POST', '/webhooks/nobody', createSignedDelivery(secret, body)),
  }
}
