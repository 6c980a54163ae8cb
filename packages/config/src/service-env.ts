import type { EnvIssue } from './errors.ts'
import { env } from './fields.ts'
import { defineEnv, type EnvFields, type EnvSchema } from './schema.ts'

/** The variables every shipshape service reads; the service adds its own beside them. */
export function getServiceFields(defaultPort: number) {
  return {
    PORT: env.port({ default: defaultPort, description: 'TCP port the HTTP server listens on.' }),
    HOST: env.string({ default: '127.0.0.1', description: 'Interface to bind; the image sets 0.0.0.0.' }),
    DATABASE_URL: env.url({
      optional: true,
      protocols: ['postgres:', 'postgresql:'],
      // The URL carries the database password.
      sensitive: true,
      example: 'postgres://app:app@127.0.0.1:5432/app',
      description: 'PostgreSQL connection URL. Unset: the embedded PGlite database (development only).',
    }),
    PGLITE_DATA_DIR: env.string({
      default: '.data/pglite',
      description: 'Where the embedded database keeps its files.',
    }),
    MIGRATE_ON_START: env.boolean({
      default: false,
      description: 'Apply pending migrations at start on PostgreSQL (the embedded database always does).',
    }),
    DB_POOL_MAX: env.integer({
      default: 10,
      min: 1,
      max: 200,
      description: 'Most PostgreSQL connections the pool opens.',
    }),
    // The three budgets below keep the contract's "503 within 2 s when the database is unreachable": a wait
    // for a connection plus one statement fit in 2 000 ms. They are @shipshape/db's defaults.
    DB_CONNECT_TIMEOUT_MS: env.integer({
      default: 750,
      min: 10,
      max: 60_000,
      description:
        'Longest wait for a PostgreSQL connection, pooled or new; then the request gets 503 unavailable.',
    }),
    DB_STATEMENT_TIMEOUT_MS: env.integer({
      default: 1_000,
      min: 10,
      max: 600_000,
      description: 'PostgreSQL cancels (and rolls back) a statement running longer (statement_timeout).',
    }),
    DB_QUERY_TIMEOUT_MS: env.integer({
      optional: true,
      min: 20,
      max: 600_250,
      description:
        'The client gives up on an unanswered statement (a partition) after this long; unset: DB_STATEMENT_TIMEOUT_MS + 250.',
    }),
    REDIS_URL: env.url({
      optional: true,
      protocols: ['redis:', 'rediss:'],
      // The URL may carry the Redis password.
      sensitive: true,
      example: 'redis://127.0.0.1:6379',
      description: 'Redis for shared rate-limit state across instances. Unset: in-process memory.',
    }),
    CORS_ORIGINS: env.list({
      default: [],
      item: 'origin',
      description: 'Comma-separated exact origins that browsers may call the API from; empty: none.',
    }),
    TRUST_PROXY: env.list({
      default: [],
      description:
        'Comma-separated addresses or CIDRs of proxies allowed to set X-Forwarded-For; empty: none.',
    }),
    RATE_LIMIT_MAX: env.integer({
      default: 300,
      min: 0,
      max: 1_000_000,
      description: 'Requests a minute per client address; 0 turns the limit off.',
    }),
    LOG_LEVEL: env.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      default: 'info',
      description: 'Least severe log level written.',
    }),
    JWT_SECRET: env.secret({
      minLength: 32,
      description: 'Signs access tokens (HS256). Generate one with: openssl rand -base64 48',
    }),
    AUTH_ORIGINS: env.list({
      default: [`http://127.0.0.1:${defaultPort}`, `http://localhost:${defaultPort}`],
      item: 'origin',
      description:
        "Origins allowed to send cookie-authenticated writes: the service's own (CORS_ORIGINS are allowed too).",
    }),
    PASSWORD_MIN_LENGTH: env.integer({
      default: 15,
      min: 8,
      max: 128,
      description: 'Shortest password accepted at sign-up and on change.',
    }),
    COOKIE_SECURE: env.boolean({
      default: true,
      description:
        'Secure cookies with the __Host-/__Secure- prefixes; false only for plain-HTTP development.',
    }),
    WEBHOOK_SECRET: env.secret({
      minLength: 24,
      description: 'Standard Webhooks secret (whsec_...) that signs deliveries to POST /webhooks/partner.',
    }),
    WEBHOOK_SECRET_PREVIOUS: env.secret({
      minLength: 24,
      optional: true,
      description: 'The previous webhook secret, still accepted while the sender rotates to the new one.',
    }),
    SHUTDOWN_GRACE_MS: env.integer({
      default: 10_000,
      min: 0,
      max: 120_000,
      description: 'How long in-flight requests may take to finish after SIGTERM.',
    }),
  }
}

type ServiceFields = ReturnType<typeof getServiceFields>

/** A client that gives up before the server cancels leaves a statement running that may still commit. */
function checkQueryTimeout(config: object): EnvIssue[] {
  const { DB_QUERY_TIMEOUT_MS: query, DB_STATEMENT_TIMEOUT_MS: statement } = config as {
    DB_QUERY_TIMEOUT_MS?: number
    DB_STATEMENT_TIMEOUT_MS: number
  }
  if (query === undefined || query > statement) return []
  return [
    {
      variable: 'DB_QUERY_TIMEOUT_MS',
      message:
        'must be longer than DB_STATEMENT_TIMEOUT_MS: the server cancels and rolls back first, so a 503 never comes with a committed write',
    },
  ]
}

/**
 * A service's environment: the shared variables, the service's own `fields`, and the production rules of
 * the service contract (no embedded database and no insecure cookies in production; secrets are checked by
 * their own fields).
 */
export function defineServiceEnv<F extends EnvFields>(options: {
  defaultPort: number
  fields: F
}): EnvSchema<ServiceFields & F> {
  return defineEnv(
    { ...getServiceFields(options.defaultPort), ...options.fields },
    {
      rules: [
        (config) =>
          config.APP_ENV === 'production' && config.COOKIE_SECURE === false
            ? [
                {
                  variable: 'COOKIE_SECURE',
                  message: 'must be true in production: session cookies never travel over plain HTTP',
                },
              ]
            : [],
        checkQueryTimeout,
        (config) =>
          config.APP_ENV === 'production' && !config.DATABASE_URL
            ? [
                {
                  variable: 'DATABASE_URL',
                  message: 'is required in production: the embedded database is for development only',
                },
              ]
            : [],
      ],
    },
  )
}
