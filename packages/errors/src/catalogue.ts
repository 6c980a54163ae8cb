/**
 * Every code an `OptionsError` can carry, in one list (as fastify's `lib/errors.js` is one list). A code is
 * `SHIPSHAPE_<AREA>_<WHAT>`, where AREA names the package that throws it; callers match on the code, never
 * on the message. `catalogue.test.ts` keeps this list, the throw sites and the README table in step.
 */
export const optionsErrorCatalogue = [
  ['SHIPSHAPE_SERVER_LIMIT_INVALID', '@shipshape/server', 'A size or time limit is not a positive integer.'],
  [
    'SHIPSHAPE_SERVER_TIMEOUTS_INVALID',
    '@shipshape/server',
    'headersTimeoutMs is longer than requestTimeoutMs, which Node refuses.',
  ],
  [
    'SHIPSHAPE_SERVER_CORS_ORIGIN_INVALID',
    '@shipshape/server',
    'A cors.origins entry is a wildcard or not an exact origin.',
  ],
  [
    'SHIPSHAPE_DB_URL_INVALID',
    '@shipshape/db',
    'The database URL is not postgres:// or postgresql:// (the message never echoes it).',
  ],
  ['SHIPSHAPE_DB_POOL_LIMIT_INVALID', '@shipshape/db', 'A pool setting is not a positive integer.'],
  [
    'SHIPSHAPE_DB_TIMEOUTS_INVALID',
    '@shipshape/db',
    'pool.queryTimeoutMs is not longer than pool.statementTimeoutMs, so the client would give up first.',
  ],
  [
    'SHIPSHAPE_DB_MIGRATIONS_FOLDER_INVALID',
    '@shipshape/db',
    'createMigrationCheck cannot read meta/_journal.json in the migrations folder.',
  ],
  [
    'SHIPSHAPE_AUTH_LIMIT_INVALID',
    '@shipshape/auth',
    'An integer option (a lifetime, a throttle limit, the password length, the hash concurrency) is out of range.',
  ],
  ['SHIPSHAPE_AUTH_SECRET_INVALID', '@shipshape/auth', 'jwtSecret is shorter than 32 bytes.'],
  [
    'SHIPSHAPE_AUTH_ORIGIN_INVALID',
    '@shipshape/auth',
    'An allowedOrigins entry is not an http(s) origin (it has a path or a wildcard).',
  ],
  ['SHIPSHAPE_AUTH_CLAIMS_MISSING', '@shipshape/auth', 'issuer or audience is empty.'],
  [
    'SHIPSHAPE_AUTH_ARGON2_UNSAFE',
    '@shipshape/auth',
    'testArgon2Params is set without unsafeTestOnly: true.',
  ],
  [
    'SHIPSHAPE_AUTH_SESSION_ORDER_INVALID',
    '@shipshape/auth',
    'app.requireSession() is called after routes of its plugin were declared.',
  ],
  [
    'SHIPSHAPE_IDEMPOTENCY_OPTIONS_INVALID',
    '@shipshape/idempotency',
    'A retention, retry-after, idle timeout or cleanup interval is out of range; the message lists each one.',
  ],
  [
    'SHIPSHAPE_IDEMPOTENCY_DATABASE_INVALID',
    '@shipshape/idempotency',
    'db is not a drizzle PostgreSQL database (node-postgres or PGlite).',
  ],
  [
    'SHIPSHAPE_IDEMPOTENCY_ROOT_DATABASE_REFUSED',
    '@shipshape/idempotency',
    'A handler holding an Idempotency-Key queried db instead of getRequestDatabase(request, db).',
  ],
  ['SHIPSHAPE_WEBHOOKS_SOURCES_MISSING', '@shipshape/webhooks', 'No webhook source is configured.'],
  [
    'SHIPSHAPE_WEBHOOKS_SCHEME_INVALID',
    '@shipshape/webhooks',
    'A source names a scheme other than standard, stripe or github.',
  ],
  ['SHIPSHAPE_WEBHOOKS_SECRET_MISSING', '@shipshape/webhooks', 'A source has no secret, or an empty one.'],
  [
    'SHIPSHAPE_WEBHOOKS_SECRET_INVALID',
    '@shipshape/webhooks',
    'A Standard Webhooks secret is not whsec_ followed by base64.',
  ],
  [
    'SHIPSHAPE_OUTBOUND_LIMIT_INVALID',
    '@shipshape/outbound',
    'maxAttempts, the bulkhead limit or timeoutMs is not positive.',
  ],
  [
    'SHIPSHAPE_OUTBOUND_PATH_INVALID',
    '@shipshape/outbound',
    'A request path does not start with "/" or leaves the base URL.',
  ],
] as const satisfies readonly (readonly [code: string, thrownBy: string, meaning: string])[]

export type OptionsErrorCode = (typeof optionsErrorCatalogue)[number][0]
