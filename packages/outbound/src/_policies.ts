import { trace } from '@opentelemetry/api'
import {
  bulkhead,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleType,
  type IPolicy,
  retry,
  wrap,
} from 'cockatiel'
import { AttemptError } from './_attempt.ts'
import {
  createBackoff,
  isFailedResponse,
  isResponse,
  isRetryableResponse,
  type RetrySettings,
} from './_retry.ts'

/** The pino subset the client logs through. */
export interface OutboundLogger {
  info(object: Record<string, unknown>, message: string): void
  warn(object: Record<string, unknown>, message: string): void
}

export interface PolicySettings {
  readonly name: string
  readonly retry: RetrySettings
  readonly breaker: { readonly threshold: number; readonly halfOpenAfterMs: number }
  readonly bulkhead: { readonly limit: number; readonly queue: number }
  readonly logger: OutboundLogger | undefined
}

export type BreakerStateName = 'closed' | 'open' | 'half_open' | 'isolated'

const stateNames: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
}

/**
 * One bulkhead and one breaker per client, shared by every request. Retries sit outside the breaker, so each
 * attempt is a breaker sample and an open breaker stops the remaining retries at once (the breaker's error is
 * not a retryable type). The bulkhead is outermost: a request holds one slot through all its attempts.
 */
export function createPolicies(settings: PolicySettings) {
  const breaker = circuitBreaker(
    handleType(AttemptError).orWhenResult((r) => isResponse(r) && isFailedResponse(r)),
    {
      halfOpenAfter: settings.breaker.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(settings.breaker.threshold),
    },
  )
  const limiter = bulkhead(settings.bulkhead.limit, settings.bulkhead.queue)
  const retrying = retry(
    handleType(AttemptError).orWhenResult(
      (r) => isResponse(r) && isRetryableResponse(r, settings.retry.maxRetryAfterMs),
    ),
    { maxAttempts: settings.retry.maxAttempts - 1, backoff: createBackoff(settings.retry) },
  )
  observe(settings, breaker, retrying)
  const once: IPolicy = wrap(limiter, breaker)
  const withRetries: IPolicy = wrap(limiter, retrying, breaker)
  return { once, withRetries, getBreakerState: (): BreakerStateName => stateNames[breaker.state] }
}

function observe(
  settings: PolicySettings,
  breaker: ReturnType<typeof circuitBreaker>,
  retrying: ReturnType<typeof retry>,
): void {
  breaker.onStateChange((state) => {
    const name = stateNames[state]
    trace
      .getActiveSpan()
      ?.addEvent('breaker.state_change', { 'outbound.client': settings.name, 'breaker.state': name })
    settings.logger?.warn({ client: settings.name, breakerState: name }, 'outbound breaker state changed')
  })
  retrying.onRetry(({ attempt, delay, ...reason }) => {
    const cause =
      'error' in reason
        ? String(reason.error)
        : `status ${isResponse(reason.value) ? reason.value.status : '?'}`
    trace
      .getActiveSpan()
      ?.addEvent('retry', { 'outbound.client': settings.name, attempt, 'retry.delay_ms': delay })
    settings.logger?.info(
      { client: settings.name, attempt, delayMs: delay, cause },
      'outbound request retried',
    )
  })
}
