import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { OptionsError } from '@shipshape/errors'
import { BrokenCircuitError, BulkheadRejectedError, type IPolicy } from 'cockatiel'
import { AttemptError, type OutboundResponse, performAttempt, resolveUrl } from './_attempt.ts'
import { type BreakerStateName, createPolicies, type OutboundLogger } from './_policies.ts'
import { isRetrySafe } from './_retry.ts'
import { OutboundUnavailableError } from './errors.ts'

export interface ClientOptions {
  /** Names the dependency in spans, logs and errors. */
  readonly name: string
  readonly baseUrl: string
  /** Deadline of each attempt, body included; default 5 s (never fetch's 300 s). */
  readonly timeoutMs?: number
  /** `maxAttempts` counts the first attempt; default 3, 100 ms, 2 s, Retry-After honoured up to 10 s. */
  readonly retry?: Partial<{
    maxAttempts: number
    initialDelayMs: number
    maxDelayMs: number
    maxRetryAfterMs: number
  }>
  /** Opens after `threshold` consecutive failures (default 5), half-opens after `halfOpenAfterMs` (10 s). */
  readonly breaker?: Partial<{ threshold: number; halfOpenAfterMs: number }>
  /** At most `limit` calls in flight (default 10) and `queue` waiting (default 10); more are refused. */
  readonly bulkhead?: Partial<{ limit: number; queue: number }>
  readonly logger?: OutboundLogger
}

export interface OutboundRequest {
  readonly method: string
  readonly path: string
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
  /** Sent as `Idempotency-Key` on every attempt; it makes a POST or PATCH retryable. */
  readonly idempotencyKey?: string
}

export interface OutboundClient {
  request(request: OutboundRequest): Promise<OutboundResponse>
  getBreakerState(): BreakerStateName
}

/** Creates a client for one dependency; create it once and share it, since it owns the breaker and bulkhead. */
export function createClient(options: ClientOptions): OutboundClient {
  const baseUrl = new URL(options.baseUrl)
  const timeoutMs = options.timeoutMs ?? 5_000
  const settings = {
    name: options.name,
    retry: {
      maxAttempts: 3,
      initialDelayMs: 100,
      maxDelayMs: 2_000,
      maxRetryAfterMs: 10_000,
      ...options.retry,
    },
    breaker: { threshold: 5, halfOpenAfterMs: 10_000, ...options.breaker },
    bulkhead: { limit: 10, queue: 10, ...options.bulkhead },
    logger: options.logger,
  }
  if (settings.retry.maxAttempts < 1 || settings.bulkhead.limit < 1 || timeoutMs <= 0) {
    throw new OptionsError(
      'SHIPSHAPE_OUTBOUND_LIMIT_INVALID',
      'maxAttempts, bulkhead limit and timeoutMs must be positive',
    )
  }
  const policies = createPolicies(settings)
  const tracer = trace.getTracer('@shipshape/outbound')

  async function request(input: OutboundRequest): Promise<OutboundResponse> {
    const method = input.method.toUpperCase()
    const url = resolveUrl(baseUrl, input.path)
    const policy = isRetrySafe(method, input.idempotencyKey) ? policies.withRetries : policies.once
    let attempts = 0
    const attributes = {
      'http.request.method': method,
      'server.address': url.hostname,
      'outbound.client': options.name,
    }
    return tracer.startActiveSpan(method, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      // The callee continues this span's trace: `traceparent` (and whatever else the propagator the
      // telemetry preload installed writes). fetch has no instrumentation that would add it.
      const headers = buildHeaders(input)
      propagation.inject(context.active(), headers)
      try {
        const response = await runPolicy(policy, options.name, () => {
          span.addEvent('attempt', { attempt: ++attempts })
          return performAttempt({
            url,
            method,
            headers,
            body: encodeBody(input.body),
            timeoutMs,
          })
        })
        span.setAttribute('http.response.status_code', response.status)
        if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
        return response
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error))
        span.setStatus({ code: SpanStatusCode.ERROR })
        throw error
      } finally {
        span.setAttribute('http.request.resend_count', Math.max(0, attempts - 1))
        span.end()
      }
    })
  }

  return { request, getBreakerState: policies.getBreakerState }
}

async function runPolicy(
  policy: IPolicy,
  name: string,
  attempt: () => Promise<OutboundResponse>,
): Promise<OutboundResponse> {
  try {
    return await policy.execute(attempt)
  } catch (error) {
    if (error instanceof BrokenCircuitError)
      throw new OutboundUnavailableError(name, 'circuit_open', { cause: error })
    if (error instanceof BulkheadRejectedError)
      throw new OutboundUnavailableError(name, 'bulkhead_full', { cause: error })
    if (error instanceof AttemptError) throw new OutboundUnavailableError(name, error.kind, { cause: error })
    throw error
  }
}

function buildHeaders(input: OutboundRequest): Record<string, string> {
  const isJson = input.body !== undefined && typeof input.body !== 'string'
  const headers: Record<string, string> = {
    ...(isJson ? { 'content-type': 'application/json' } : {}),
    ...input.headers,
  }
  if (input.idempotencyKey !== undefined) headers['idempotency-key'] = input.idempotencyKey
  return headers
}

function encodeBody(body: unknown): string | undefined {
  if (body === undefined) return undefined
  return typeof body === 'string' ? body : JSON.stringify(body)
}
