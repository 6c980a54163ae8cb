import type { WebhookHeaders } from './_hmac.ts'

export type { WebhookHeaders }

/** The signing schemes this package verifies. */
export type WebhookScheme = 'standard' | 'stripe' | 'github'

/** What a verifier needs: the bytes exactly as received, the headers and the accepted secrets. */
export interface VerifyInput {
  readonly rawBody: Buffer
  readonly headers: WebhookHeaders
  /** Every secret currently accepted; more than one during a rotation. */
  readonly secrets: readonly string[]
  /** Defaults to 300 s, as the Standard Webhooks specification recommends. */
  readonly toleranceSeconds?: number
  /** Seconds since the epoch; defaults to the clock. Tests pin it. */
  readonly nowSeconds?: number
}

/** Why a delivery was refused. Every reason is answered with the same 401. */
export type VerifyFailure =
  | 'missing_header'
  | 'invalid_timestamp'
  | 'stale_timestamp'
  | 'invalid_signature'
  | 'missing_delivery_id'

/** A verification outcome: the delivery id used for de-duplication, or the reason for refusal. */
export type VerifyResult =
  | { readonly ok: true; readonly id: string }
  | { readonly ok: false; readonly reason: VerifyFailure }

export const DEFAULT_TOLERANCE_SECONDS = 300

export function getNowSeconds(input: VerifyInput): number {
  return input.nowSeconds ?? Math.floor(Date.now() / 1000)
}
