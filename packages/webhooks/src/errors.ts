/** A webhook source is configured wrongly (no secret, a malformed secret, an unknown scheme). */
export class WebhookConfigError extends Error {
  readonly code = 'SHIPSHAPE_WEBHOOKS_CONFIG'

  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'WebhookConfigError'
  }
}
