import { authEnv } from '@shipshape/auth/env'
import { defineServiceEnv, type InferEnv } from '@shipshape/config'
import { webhooksEnv } from '@shipshape/webhooks/env'

/**
 * The environment of {{name}}: read once at boot and checked as a whole (every problem is reported at
 * once; secret values are never printed). `.env.example` is rendered from this schema: after changing it,
 * run `pnpm env:example`; a test fails while the committed file is stale.
 *
 * `defineServiceEnv` brings the variables every shipshape service has (PORT, DATABASE_URL, CORS_ORIGINS...)
 * and the production rules (no embedded database, no wildcard CORS). Each fragment brings the variables of
 * the package that reads them: `authEnv` JWT_SECRET, AUTH_ORIGINS, PASSWORD_MIN_LENGTH and COOKIE_SECURE,
 * `webhooksEnv` WEBHOOK_SECRET and WEBHOOK_SECRET_PREVIOUS. Add this service's own variables to `fields`
 * with the builders from `env` in @shipshape/config.
 */
export const envSchema = defineServiceEnv({
  defaultPort: {{port}},
  fragments: [authEnv, webhooksEnv],
  fields: {},
})

export type Env = InferEnv<typeof envSchema>
