import type { EnvIssue } from './errors.ts'
import { env } from './fields.ts'
import type { EnvFragment, ServiceEnvContext } from './fragment.ts'
import { defineEnv, type EnvFields, type EnvRule, type EnvSchema } from './schema.ts'

/**
 * The variables every shipshape service reads: the server's and the database's. The building blocks a
 * service uses bring theirs as fragments (auth, webhooks); the service adds its own beside them.
 */
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
    // for a connection plus one statement take at most 1 750 ms, leaving the request the rest. They are
    // @shipshape/db's defaults.
    DB_CONNECT_TIMEOUT_MS: env.integer({
      default: 500,
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

/** Any fragment, whatever its fields (a fragment's rules read its own fields, so they do not widen). */
interface AnyEnvFragment {
  getFields(service: ServiceEnvContext): EnvFields
  readonly rules: readonly unknown[]
}

type FieldsOf<T> = T extends EnvFragment<infer F> ? F : never
type Intersect<U> = (U extends unknown ? (union: U) => void : never) extends (all: infer I) => void
  ? I
  : never
/** The fields of every fragment of P, as one object type (`unknown` when there is none). */
export type FragmentFields<P extends readonly AnyEnvFragment[]> = Intersect<FieldsOf<P[number]>>

/** The embedded database is for development: production runs on PostgreSQL. */
function checkProductionDatabase(config: object): EnvIssue[] {
  const { APP_ENV: appEnv, DATABASE_URL: url } = config as { APP_ENV: string; DATABASE_URL?: string }
  if (appEnv !== 'production' || url) return []
  return [
    {
      variable: 'DATABASE_URL',
      message: 'is required in production: the embedded database is for development only',
    },
  ]
}

/**
 * A service's environment, in this order: the shared variables, each fragment's (auth's, webhooks'...), then
 * the service's own `fields`. The rules are the shared ones (no embedded database in production, the client
 * timeout after the server's) and each fragment's; secrets are checked by their own fields.
 */
export function defineServiceEnv<
  F extends EnvFields,
  const P extends readonly AnyEnvFragment[] = [],
>(options: {
  defaultPort: number
  /** The fragments of the building blocks the service uses, e.g. `[authEnv, webhooksEnv]`. */
  fragments?: P
  fields: F
}): EnvSchema<ServiceFields & FragmentFields<P> & F> {
  type Fields = ServiceFields & FragmentFields<P> & F
  const service: ServiceEnvContext = { defaultPort: options.defaultPort }
  const fragments = options.fragments ?? []
  const fields = Object.assign(
    {},
    getServiceFields(options.defaultPort),
    ...fragments.map((fragment) => fragment.getFields(service)),
    options.fields,
  ) as Fields
  // Each fragment's rules read only its own fields, which the whole schema holds.
  const fragmentRules = fragments.flatMap((fragment) => fragment.rules) as EnvRule<Fields>[]
  return defineEnv(fields, {
    rules: [checkQueryTimeout, checkProductionDatabase, ...fragmentRules],
  })
}
