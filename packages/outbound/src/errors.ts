import type { ProblemInit } from '@shipshape/errors'

/** Why a call to another service did not produce a response. */
export type UnavailableReason = 'circuit_open' | 'bulkhead_full' | 'timeout' | 'network'

/**
 * A dependency could not be reached: its breaker is open, the bulkhead is full, or every allowed attempt timed
 * out or failed on the network. It carries a 503 problem (and `statusCode` for Fastify's default handler) so
 * the caller's client gets `503 unavailable` and never the dependency's address or the driver's message.
 */
export class OutboundUnavailableError extends Error {
  readonly code = 'SHIPSHAPE_OUTBOUND_UNAVAILABLE'
  readonly statusCode = 503
  readonly client: string
  readonly reason: UnavailableReason
  /** What `mapError` returns for it: the server turns it into the 503 problem+json. */
  readonly problem: ProblemInit

  constructor(client: string, reason: UnavailableReason, options?: ErrorOptions) {
    super(`Outbound call to "${client}" failed: ${reason}`, options)
    this.name = 'OutboundUnavailableError'
    this.client = client
    this.reason = reason
    this.problem = {
      status: 503,
      code: 'unavailable',
      detail: 'A service this one depends on is unavailable.',
    }
  }
}
