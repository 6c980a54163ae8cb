import { defineServiceEnv, env, type InferEnv } from '@shipshape/config'

/**
 * The environment of bookings: read once at boot and checked as a whole (every problem is reported at
 * once; secret values are never printed). `.env.example` is rendered from this schema: after changing it,
 * run `pnpm env:example`; a test fails while the committed file is stale.
 *
 * `defineServiceEnv` brings the variables every shipshape service has (PORT, DATABASE_URL, CORS_ORIGINS...)
 * and the production rules (no embedded database, no wildcard CORS). Add this service's own variables to
 * `fields` with the builders from `env` in @shipshape/config.
 */
export const envSchema = defineServiceEnv({
  defaultPort: 3000,
  fields: {
    BOOKING_HOLD_SECONDS: env.integer({
      default: 600,
      min: 1,
      max: 86_400,
      description: 'How long a new booking holds its slot while the payment is made (seconds).',
    }),
  },
})

export type Env = InferEnv<typeof envSchema>
