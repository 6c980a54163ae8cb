import { computeHmac, getHeader, isSameSignature } from './_hmac.ts'
import type { VerifyInput, VerifyResult } from './types.ts'

/** Signs like GitHub: `sha256=<hex HMAC-SHA256 of the body>`. */
export function signGithubWebhook(input: {
  readonly body: Buffer | string
  readonly secret: string
}): string {
  return `sha256=${computeHmac(input.secret, [input.body]).toString('hex')}`
}

/**
 * Verifies `X-Hub-Signature-256`; the delivery id is `X-GitHub-Delivery`. GitHub signs no timestamp, so
 * there is no freshness window: replays of a recorded delivery are stopped only by de-duplication.
 */
export function verifyGithubWebhook(input: VerifyInput): VerifyResult {
  const header = getHeader(input.headers, 'x-hub-signature-256')
  const id = getHeader(input.headers, 'x-github-delivery')
  if (header === undefined || id === undefined) return { ok: false, reason: 'missing_header' }
  if (!header.startsWith('sha256=')) return { ok: false, reason: 'invalid_signature' }
  const candidate = header.slice('sha256='.length).toLowerCase()
  const isSigned = input.secrets.some((secret) =>
    isSameSignature(computeHmac(secret, [input.rawBody]).toString('hex'), candidate),
  )
  return isSigned ? { ok: true, id } : { ok: false, reason: 'invalid_signature' }
}
