import { defineEnv, env } from '../src/index.ts'

/** The schema from the brief, shared by the tests. */
export const testSchema = defineEnv(
  {
    PORT: env.port({ default: 3000, description: 'TCP port the HTTP server listens on.' }),
    HOST: env.string({ default: '127.0.0.1', description: 'Interface to bind.' }),
    DATABASE_URL: env.url({
      optional: true,
      protocols: ['postgres:', 'postgresql:'],
      example: 'postgres://app:app@127.0.0.1:5432/app',
      description: 'PostgreSQL connection string; unset uses the embedded database.',
    }),
    REDIS_URL: env.url({
      optional: true,
      protocols: ['redis:', 'rediss:'],
      description: 'Shared rate-limit state.',
    }),
    CORS_ORIGINS: env.list({
      default: [],
      item: 'origin',
      description: 'Exact origins allowed to call the API.',
    }),
    LOG_LEVEL: env.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      default: 'info',
      description: 'Lowest log level written.',
    }),
    SHUTDOWN_GRACE_MS: env.integer({ default: 10_000, min: 0, max: 120_000, description: 'Grace period.' }),
    RATE_LIMIT_ENABLED: env.boolean({ default: true, description: 'Whether rate limits apply.' }),
    JWT_SECRET: env.secret({ minLength: 32, description: 'Signs access tokens.' }),
  },
  {
    rules: [
      (cfg) =>
        cfg.APP_ENV === 'production' && !cfg.DATABASE_URL
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

export const STRONG_SECRET = 'k3Jx9-Qz_7wPvL2mN8rT5yB1cF6hD4sA0eG'
export const PRODUCTION = {
  APP_ENV: 'production',
  JWT_SECRET: STRONG_SECRET,
  DATABASE_URL: 'postgres://a:b@db/app',
}
