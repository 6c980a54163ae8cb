import { OptionsError } from '@shipshape/errors'
import { computeHmac, getHeader, isFresh, isSameSignature, parseTimestamp } from './_hmac.ts'
import { DEFAULT_TOLERANCE_SECONDS, getNowSeconds, type VerifyInput, type VerifyResult } from './types.ts'

const SECRET_PREFIX = 'whsec_'

/**
 * Decodes a Standard Webhooks secret: the key is the base64 after the optional `whsec_` prefix. Rejects an
 * empty or non-base64 secret at start-up rather than accepting signatures made with an empty key.
 */
export function decodeStandardSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
    throw new OptionsError(
      'SHIPSHAPE_WEBHOOKS_SECRET_INVALID',
      'A Standard Webhooks secret must be whsec_ followed by base64',
    )
  }
  return Buffer.from(encoded, 'base64')
}

/** Signs like a Standard Webhooks sender: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. */
export function signStandardWebhook(input: {
  readonly id: string
  readonly timestampSeconds: number
  readonly body: Buffer | string
  readonly secret: string
}): string {
  const key = decodeStandardSecret(input.secret)
  const digest = computeHmac(key, [`${input.id}.${input.timestampSeconds}.`, input.body])
  return `v1,${digest.toString('base64')}`
}

/**
 * Verifies `webhook-id`, `webhook-timestamp` and `webhook-signature` (space-separated `v1,<base64>` entries)
 * against every accepted secret. The timestamp is part of the signed content, so an old delivery cannot be
 * replayed with a fresh timestamp; the tolerance bounds how long a captured delivery stays usable.
 */
export function verifyStandardWebhook(input: VerifyInput): VerifyResult {
  const id = getHeader(input.headers, 'webhook-id')
  const timestampHeader = getHeader(input.headers, 'webhook-timestamp')
  const signatureHeader = getHeader(input.headers, 'webhook-signature')
  if (id === undefined || timestampHeader === undefined || signatureHeader === undefined) {
    return { ok: false, reason: 'missing_header' }
  }
  const timestamp = parseTimestamp(timestampHeader)
  if (timestamp === undefined) return { ok: false, reason: 'invalid_timestamp' }
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS
  if (!isFresh(timestamp, getNowSeconds(input), tolerance)) return { ok: false, reason: 'stale_timestamp' }

  const candidates = signatureHeader
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice(3))
  for (const secret of input.secrets) {
    const expected = computeHmac(decodeStandardSecret(secret), [`${id}.${timestampHeader}.`, input.rawBody])
    const encoded = expected.toString('base64')
    if (candidates.some((candidate) => isSameSignature(encoded, candidate))) return { ok: true, id }
  }
  return { ok: false, reason: 'invalid_signature' }
}
