/** Invalid plugin options, thrown at registration so a misconfigured service never starts. */
export class IdempotencyError extends Error {
  readonly code = 'SHIPSHAPE_IDEMPOTENCY_OPTIONS'

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'IdempotencyError'
  }
}
