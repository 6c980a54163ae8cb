import { createHmac, timingSafeEqual } from 'node:crypto'

/** HMAC-SHA256 over the parts in order, without decoding the raw body to a string. */
export function computeHmac(key: Buffer | string, parts: ReadonlyArray<Buffer | string>): Buffer {
  const hmac = createHmac('sha256', key)
  for (const part of parts) hmac.update(part)
  return hmac.digest()
}

/**
 * Compares two encoded signatures in constant time. The length check leaks only the length, which is public
 * (every valid signature of a scheme has the same length); timingSafeEqual itself throws on unequal lengths.
 */
export function isSameSignature(expected: string, candidate: string): boolean {
  const a = Buffer.from(expected, 'utf8')
  const b = Buffer.from(candidate, 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}

/** True when the timestamp (seconds) is within `toleranceSeconds` of `nowSeconds`, in either direction. */
export function isFresh(timestampSeconds: number, nowSeconds: number, toleranceSeconds: number): boolean {
  return Math.abs(nowSeconds - timestampSeconds) <= toleranceSeconds
}

/** Parses a whole number of seconds written only with digits; anything else is not a timestamp. */
export function parseTimestamp(value: string): number | undefined {
  if (!/^\d{1,12}$/.test(value)) return undefined
  return Number(value)
}

/** One header value, or undefined when absent or sent more than once (a duplicate header is ambiguous). */
export function getHeader(headers: WebhookHeaders, name: string): string | undefined {
  const value = headers[name]
  return typeof value === 'string' && value.length > 0 ? value : undefined
}

/** Request headers as Node gives them: names lower-cased. */
export type WebhookHeaders = Readonly<Record<string, string | string[] | undefined>>
