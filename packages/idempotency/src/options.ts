import type { AppDatabase } from '@shipshape/db'
import { OptionsError } from '@shipshape/errors'
import type { FastifyRequest } from 'fastify'

const DAY_MS = 24 * 60 * 60 * 1000

export interface IdempotencyOptions {
  /** The drizzle database the key rows live in; the same one handlers write their effects to. */
  readonly db: AppDatabase
  /** Who owns a key, so two callers' keys never collide. Default: `user:<request.user.id>`, else `ip:<request.ip>`. */
  readonly getScope?: (request: FastifyRequest) => string | Promise<string>
  /** How long a completed key is kept and replayed. At least 24 hours (the contract); default 24 hours. */
  readonly retentionMs?: number
  /** `Retry-After` seconds on 409 `idempotency_in_progress`. Default 1. */
  readonly retryAfterSeconds?: number
  /**
   * Off by default. When set, PostgreSQL kills the session of a handler idle this long inside its
   * transaction, which rolls it back and frees the key. Only enable it when every pool client has an
   * 'error' listener: node-postgres throws an uncaught error for a killed session that is checked out.
   */
  readonly idleTimeoutMs?: number
  /** Response headers stored and replayed besides the body. Default: content-type, location, content-location, etag. */
  readonly replayHeaders?: readonly string[]
  /** Interval of the expired-key cleanup this plugin runs; `false` turns it off. Default 1 hour. */
  readonly cleanupIntervalMs?: number | false
}

export interface ResolvedOptions {
  readonly db: AppDatabase
  readonly getScope: (request: FastifyRequest) => string | Promise<string>
  readonly retentionMs: number
  readonly retryAfterSeconds: number
  readonly idleTimeoutMs: number | undefined
  readonly replayHeaders: readonly string[]
  readonly cleanupIntervalMs: number | false
}

export function resolveOptions(options: IdempotencyOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    db: options.db,
    getScope: options.getScope ?? getDefaultScope,
    retentionMs: options.retentionMs ?? DAY_MS,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    idleTimeoutMs: options.idleTimeoutMs,
    replayHeaders: (options.replayHeaders ?? ['content-type', 'location', 'content-location', 'etag']).map(
      (name) => name.toLowerCase(),
    ),
    cleanupIntervalMs: options.cleanupIntervalMs ?? 60 * 60 * 1000,
  }
  assertOptions(resolved)
  return resolved
}

function assertOptions(options: ResolvedOptions): void {
  const bad: string[] = []
  if (!(options.retentionMs >= DAY_MS)) bad.push('retentionMs must be at least 24 hours')
  if (!(Number.isInteger(options.retryAfterSeconds) && options.retryAfterSeconds >= 0)) {
    bad.push('retryAfterSeconds must be a non-negative integer')
  }
  const idle = options.idleTimeoutMs
  if (idle !== undefined && !(Number.isInteger(idle) && idle >= 1)) {
    bad.push('idleTimeoutMs must be a positive integer')
  }
  const interval = options.cleanupIntervalMs
  if (interval !== false && !(Number.isInteger(interval) && interval >= 1)) {
    bad.push('cleanupIntervalMs must be a positive integer or false')
  }
  if (bad.length > 0) throw new OptionsError('SHIPSHAPE_IDEMPOTENCY_OPTIONS_INVALID', bad.join('; '))
}

function getDefaultScope(request: FastifyRequest): string {
  const user: unknown = Reflect.get(request, 'user')
  if (typeof user === 'object' && user !== null && 'id' in user) {
    if (typeof user.id === 'string' || typeof user.id === 'number') return `user:${user.id}`
  }
  return `ip:${request.ip}`
}
