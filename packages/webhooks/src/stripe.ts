import sjson from 'secure-json-parse'
import { computeHmac, getHeader, isFresh, isSameSignature, parseTimestamp } from './_hmac.ts'
import { DEFAULT_TOLERANCE_SECONDS, getNowSeconds, type VerifyInput, type VerifyResult } from './types.ts'

/** Signs like Stripe: `t=<ts>,v1=<hex HMAC-SHA256 of "t.body">`, the whole secret string being the key. */
export function signStripeWebhook(input: {
  readonly timestampSeconds: number
  readonly body: Buffer | string
  readonly secret: string
}): string {
  const digest = computeHmac(input.secret, [`${input.timestampSeconds}.`, input.body])
  return `t=${input.timestampSeconds},v1=${digest.toString('hex')}`
}

/**
 * Verifies `Stripe-Signature`. Several `v1` entries are accepted (Stripe sends one per active secret while a
 * secret is rolled); `v0` and unknown schemes are ignored so a downgrade cannot pass. The delivery id is the
 * event id in the body, read only after the signature holds.
 */
export function verifyStripeWebhook(input: VerifyInput): VerifyResult {
  const header = getHeader(input.headers, 'stripe-signature')
  if (header === undefined) return { ok: false, reason: 'missing_header' }
  const parsed = parseStripeHeader(header)
  if (parsed === undefined) return { ok: false, reason: 'invalid_timestamp' }
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS
  if (!isFresh(parsed.timestamp, getNowSeconds(input), tolerance))
    return { ok: false, reason: 'stale_timestamp' }

  const isSigned = input.secrets.some((secret) => {
    const expected = computeHmac(secret, [`${parsed.timestampText}.`, input.rawBody]).toString('hex')
    return parsed.signatures.some((candidate) => isSameSignature(expected, candidate))
  })
  if (!isSigned) return { ok: false, reason: 'invalid_signature' }
  const id = getEventId(input.rawBody)
  return id === undefined ? { ok: false, reason: 'missing_delivery_id' } : { ok: true, id }
}

function parseStripeHeader(header: string) {
  const timestamps: string[] = []
  const signatures: string[] = []
  for (const item of header.split(',')) {
    const [key, value] = item.split('=', 2)
    if (value === undefined) continue
    if (key === 't') timestamps.push(value)
    if (key === 'v1') signatures.push(value.toLowerCase())
  }
  const timestampText = timestamps.length === 1 ? timestamps[0] : undefined
  const timestamp = timestampText === undefined ? undefined : parseTimestamp(timestampText)
  if (timestampText === undefined || timestamp === undefined) return undefined
  return { timestamp, timestampText, signatures }
}

function getEventId(rawBody: Buffer): string | undefined {
  const body: unknown = sjson.safeParse(rawBody)
  if (typeof body !== 'object' || body === null || !('id' in body)) return undefined
  return typeof body.id === 'string' && body.id.length > 0 ? body.id : undefined
}
