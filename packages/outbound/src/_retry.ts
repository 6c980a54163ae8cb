import { DelegateBackoff, type IRetryBackoffContext } from 'cockatiel'
import type { OutboundResponse } from './_attempt.ts'

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504])
const BREAKER_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504])

export interface RetrySettings {
  readonly maxAttempts: number
  readonly initialDelayMs: number
  readonly maxDelayMs: number
  readonly maxRetryAfterMs: number
}

/** A repeated request is safe only when the method says so or the server can de-duplicate by key. */
export function isRetrySafe(method: string, idempotencyKey: string | undefined): boolean {
  return IDEMPOTENT_METHODS.has(method) || idempotencyKey !== undefined
}

/** A response worth another attempt; a Retry-After beyond the cap means "not soon", so we stop. */
export function isRetryableResponse(response: OutboundResponse, maxRetryAfterMs: number): boolean {
  if (!RETRYABLE_STATUSES.has(response.status)) return false
  const retryAfter = getRetryAfterMs(response)
  return retryAfter === undefined || retryAfter <= maxRetryAfterMs
}

/** A response that counts as the dependency failing, for the circuit breaker. */
export function isFailedResponse(response: OutboundResponse): boolean {
  return BREAKER_STATUSES.has(response.status)
}

/** Retry-After in milliseconds, from delta-seconds or an HTTP date. */
export function getRetryAfterMs(response: OutboundResponse, now = Date.now()): number | undefined {
  const value = response.headers['retry-after']
  if (value === undefined) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * Waits what the server asked for (Retry-After, capped), else exponential backoff with full jitter so that
 * many clients that failed together do not retry together.
 */
export function createBackoff(settings: RetrySettings) {
  return new DelegateBackoff<IRetryBackoffContext<unknown>>((context) => {
    const result = context.result
    if ('value' in result && isResponse(result.value)) {
      const retryAfter = getRetryAfterMs(result.value)
      if (retryAfter !== undefined) return Math.min(retryAfter, settings.maxRetryAfterMs)
    }
    const ceiling = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** (context.attempt - 1))
    return Math.floor(Math.random() * ceiling)
  })
}

export function isResponse(value: unknown): value is OutboundResponse {
  return typeof value === 'object' && value !== null && 'status' in value && 'headers' in value
}
