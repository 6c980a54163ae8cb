import { randomBytes, randomUUID } from 'node:crypto'
import { signStandardWebhook } from '../standard.ts'

export interface Delivery {
  readonly id: string
  readonly body: string
  readonly headers: Record<string, string>
}

export interface DeliveryAnswer {
  readonly status: number
  readonly type: string | null
  readonly text: string
}

/** A fresh webhook id in the Standard Webhooks `msg_` style, unique per test run. */
export function createDeliveryId(): string {
  return `msg_contract_${randomUUID()}`
}

/** A valid-looking secret that is not the service's: signatures made with it must be refused. */
export function createOtherSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`
}

/** Signs a JSON body as a Standard Webhooks sender does, at `timestampSeconds` (default now). */
export function signDelivery(input: {
  readonly id: string
  readonly secret: string
  readonly timestampSeconds?: number
}): Delivery {
  const timestamp = input.timestampSeconds ?? Math.floor(Date.now() / 1000)
  const body = JSON.stringify({ type: 'shipshape.contract', data: { id: input.id } })
  const signature = signStandardWebhook({
    id: input.id,
    timestampSeconds: timestamp,
    body,
    secret: input.secret,
  })
  return {
    id: input.id,
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': input.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    },
  }
}

/** POSTs a delivery over HTTP to `<baseUrl>/webhooks/<source>`, exactly the signed bytes. */
export async function postDelivery(
  baseUrl: string,
  source: string,
  delivery: Delivery,
): Promise<DeliveryAnswer> {
  const response = await fetch(new URL(`/webhooks/${encodeURIComponent(source)}`, baseUrl), {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  })
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() }
}
