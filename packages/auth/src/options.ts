import { availableParallelism } from 'node:os'
import type { AppDatabase } from '@shipshape/db'
import { OptionsError } from '@shipshape/errors'
import type { Redis } from 'ioredis'
import { normalizeOrigins } from './csrf.ts'
import type { ThrottleLimits } from './login-throttle.ts'
import { type Argon2Params, owaspArgon2Params } from './password-hasher.ts'
import {
  DEFAULT_PASSWORD_MIN_LENGTH,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH_FLOOR,
} from './password-limits.ts'
import { type AuthTables, authTables } from './schema.ts'

export interface AuthThrottleOptions extends Partial<ThrottleLimits> {
  /** A Redis URL or client: counters shared by every instance. Absent: in-process memory. */
  redis?: string | Redis
}

export interface AuthPluginOptions {
  db: AppDatabase
  tables?: AuthTables
  /** HS256 key; at least 32 bytes (UTF-8). */
  jwtSecret: string
  issuer: string
  audience: string
  /** Origins allowed to send cookie-authenticated unsafe requests, e.g. `https://app.example`. */
  allowedOrigins: readonly string[]
  /** Default 15; never below 8. */
  passwordMinLength?: number
  /** Default 900 (15 minutes), the maximum. */
  accessTtlSeconds?: number
  /** Absolute login lifetime; default 30 days. */
  sessionTtlSeconds?: number
  /** A refresh token unused this long is dead; default 7 days, at most sessionTtlSeconds. */
  refreshIdleTtlSeconds?: number
  /** Default: 5 failures per account, 50 per address, 15-minute window. */
  throttle?: AuthThrottleOptions
  /** Default true. False drops Secure and the cookie-name prefixes (plain-HTTP development only). */
  cookieSecure?: boolean
  /** Concurrent argon2 computations; default one fewer than the cores, at most 3 (libuv has a pool of 4). */
  hashConcurrency?: number
  /**
   * Lowers the argon2 cost for test suites only. Must be passed with `unsafeTestOnly: true`; production
   * options never take it, and it cannot raise anything above OWASP silently.
   */
  testArgon2Params?: { params: Argon2Params; unsafeTestOnly: true }
}

export interface ResolvedAuthOptions {
  db: AppDatabase
  tables: AuthTables
  secret: Uint8Array
  issuer: string
  audience: string
  allowedOrigins: Set<string>
  passwordMinLength: number
  accessTtlSeconds: number
  sessionTtlSeconds: number
  refreshIdleTtlSeconds: number
  throttle: ThrottleLimits
  redis: string | Redis | undefined
  cookieSecure: boolean
  hashConcurrency: number
  argon2: Argon2Params
}

const DAY = 86_400

/**
 * Hashes in flight at once: one core fewer than the machine has, so the event loop (and with it every probe
 * and every other request) always has a core while logins queue, and at most 3, so libuv's pool of 4 keeps a
 * thread for file and DNS work. Measured in bench/auth-login.ts.
 */
function getDefaultHashConcurrency(): number {
  return Math.max(1, Math.min(availableParallelism() - 1, 3))
}

function requireInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new OptionsError('SHIPSHAPE_AUTH_LIMIT_INVALID', `${name} must be an integer from ${min} to ${max}`)
  }
  return value
}

function resolveSecret(jwtSecret: string): Uint8Array {
  const secret = new TextEncoder().encode(jwtSecret ?? '')
  if (secret.byteLength < 32) {
    throw new OptionsError('SHIPSHAPE_AUTH_SECRET_INVALID', 'jwtSecret must be at least 32 bytes')
  }
  return secret
}

function resolveOrigins(origins: readonly string[]): Set<string> {
  try {
    return normalizeOrigins(origins ?? [])
  } catch (error) {
    throw new OptionsError(
      'SHIPSHAPE_AUTH_ORIGIN_INVALID',
      'allowedOrigins must be http(s) origins without path or wildcard',
      {
        cause: error,
      },
    )
  }
}

function resolveThrottle(throttle: AuthThrottleOptions = {}): ThrottleLimits {
  return {
    maxFailuresPerAccount: requireInteger(
      'throttle.maxFailuresPerAccount',
      throttle.maxFailuresPerAccount ?? 5,
      1,
      1000,
    ),
    maxFailuresPerAddress: requireInteger(
      'throttle.maxFailuresPerAddress',
      throttle.maxFailuresPerAddress ?? 50,
      1,
      100_000,
    ),
    windowSeconds: requireInteger('throttle.windowSeconds', throttle.windowSeconds ?? 900, 1, DAY),
  }
}

export function resolveAuthOptions(options: AuthPluginOptions): ResolvedAuthOptions {
  if (!options.issuer || !options.audience) {
    throw new OptionsError('SHIPSHAPE_AUTH_CLAIMS_MISSING', 'issuer and audience are required')
  }
  const sessionTtlSeconds = requireInteger(
    'sessionTtlSeconds',
    options.sessionTtlSeconds ?? 30 * DAY,
    60,
    400 * DAY,
  )
  return {
    db: options.db,
    tables: options.tables ?? authTables,
    secret: resolveSecret(options.jwtSecret),
    issuer: options.issuer,
    audience: options.audience,
    allowedOrigins: resolveOrigins(options.allowedOrigins),
    passwordMinLength: requireInteger(
      'passwordMinLength',
      options.passwordMinLength ?? DEFAULT_PASSWORD_MIN_LENGTH,
      MIN_PASSWORD_LENGTH_FLOOR,
      MAX_PASSWORD_LENGTH,
    ),
    accessTtlSeconds: requireInteger('accessTtlSeconds', options.accessTtlSeconds ?? 900, 1, 900),
    sessionTtlSeconds,
    refreshIdleTtlSeconds: requireInteger(
      'refreshIdleTtlSeconds',
      options.refreshIdleTtlSeconds ?? Math.min(7 * DAY, sessionTtlSeconds),
      60,
      sessionTtlSeconds,
    ),
    throttle: resolveThrottle(options.throttle),
    redis: options.throttle?.redis,
    cookieSecure: options.cookieSecure ?? true,
    hashConcurrency: requireInteger(
      'hashConcurrency',
      options.hashConcurrency ?? getDefaultHashConcurrency(),
      1,
      64,
    ),
    argon2: resolveArgon2(options.testArgon2Params),
  }
}

function resolveArgon2(test: AuthPluginOptions['testArgon2Params']): Argon2Params {
  if (test === undefined) return owaspArgon2Params
  if (test.unsafeTestOnly !== true) {
    throw new OptionsError('SHIPSHAPE_AUTH_ARGON2_UNSAFE', 'testArgon2Params needs unsafeTestOnly: true')
  }
  return test.params
}
