import { defineServiceEnv, type InferEnv } from '@shipshape/config'

/**
 * The environment of notifications: read once at boot and checked as a whole (every problem is reported at
 * once; secret values are never printed). `.env.example` is rendered from this schema: after changing it,
 * run `pnpm env:example`; a test fails while the committed file is stale.
 *
 * `defineServiceEnv` brings the variables every shipshape service has (PORT, DATABASE_URL, CORS_ORIGINS...)
 * and the production rules (no embedded database, no wildcard CORS). Add this service's own variables to
 * `fields` with the builders from `env` in @shipshape/config.
 */
export const envSchema = defineServiceEnv({
  defaultPort: 3100,
  fields: {},
})

export type Env = InferEnv<typeof envSchema>
