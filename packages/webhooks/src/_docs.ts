import type { WebhookSourceConfig } from './_options.ts'
import type { WebhookScheme } from './types.ts'

interface HeaderDoc {
  readonly description: string
  readonly required: boolean
  readonly schema: Readonly<Record<string, unknown>>
}

const text = { type: 'string', minLength: 1 } as const

/** The headers each scheme signs with, as the service's OpenAPI document states them. */
const schemeHeaders: Readonly<Record<WebhookScheme, Readonly<Record<string, Omit<HeaderDoc, 'required'>>>>> =
  {
    standard: {
      'webhook-id': {
        description: 'Standard Webhooks: the delivery id; a repeated id has no second effect.',
        schema: text,
      },
      'webhook-timestamp': {
        description: 'Standard Webhooks: Unix seconds when signed; more than 300 s off is refused.',
        schema: { type: 'string', pattern: '^[0-9]+$' },
      },
      'webhook-signature': {
        description:
          'Standard Webhooks: space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`; several during key rotation.',
        schema: text,
      },
    },
    stripe: {
      'stripe-signature': { description: 'Stripe: `t=<timestamp>,v1=<hex HMAC-SHA256>`.', schema: text },
    },
    github: {
      'x-hub-signature-256': { description: 'GitHub: `sha256=<hex HMAC-SHA256 of the body>`.', schema: text },
      'x-github-delivery': { description: 'GitHub: the delivery id.', schema: text },
    },
  }

/**
 * The delivery route's part of the OpenAPI document, in the shape `@shipshape/server` reads from
 * `config.openapi` (plain data: this package stays independent of the server). A header is required when
 * every source signs with its scheme.
 */
export function getDeliveryDocs(
  sources: Readonly<Record<string, WebhookSourceConfig>>,
  eventProblems: Readonly<Record<number, readonly string[]>> = {},
) {
  const used = [...new Set(Object.values(sources).map((source) => source.scheme))]
  const headers: Record<string, HeaderDoc> = {}
  for (const scheme of used) {
    for (const [name, header] of Object.entries(schemeHeaders[scheme])) {
      headers[name] = { ...header, required: used.length === 1 }
    }
  }
  return {
    summary: `Receive a signed webhook delivery (sources: ${Object.keys(sources).join(', ')})`,
    operationId: 'receiveWebhook',
    tags: ['webhooks'],
    tagDescriptions: { webhooks: 'Signed deliveries from other systems.' },
    headers,
    problems: {
      400: ['validation_failed'],
      401: ['invalid_signature'],
      404: ['not_found'],
      413: ['payload_too_large'],
      ...eventProblems,
    },
  }
}

/** The acknowledgement of a delivery; `duplicate` when its id was seen before and nothing happened again. */
export const deliveryResponse = {
  type: 'object',
  additionalProperties: false,
  required: ['received', 'duplicate'],
  properties: { received: { type: 'boolean', const: true }, duplicate: { type: 'boolean' } },
} as const
