import { authEnv } from '@shipshape/auth/env'
import { defineServiceEnv, env, type InferEnv } from '@shipshape/config'
import { webhooksEnv } from '@shipshape/webhooks/env'

/**
 * The environment of bookings: read once at boot and checked as a whole (every problem is reported at
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
  defaultPort: 3000,
  fragments: [authEnv, webhooksEnv],
  fields: {
    BOOKING_HOLD_SECONDS: env.integer({
      default: 600,
      min: 1,
      max: 86_400,
      description: 'How long a new booking holds its slot while the payment is made (seconds).',
    }),
    PAYMENT_PROVIDER_URL: env.url({
      default: 'http://127.0.0.1:12111',
      protocols: ['http:', 'https:'],
      description: 'Base URL of the payment provider API that refunds go to (Stripe-like: POST /v1/refunds).',
    }),
    PAYMENT_PROVIDER_API_KEY: env.secret({
      minLength: 24,
      description: 'API key sent as a Bearer token to the payment provider.',
    }),
    STRIPE_WEBHOOK_SECRET: env.secret({
      minLength: 24,
      description: 'Signing secret (whsec_...) of the Stripe webhook endpoint POST /webhooks/stripe.',
    }),
    PAYMENT_TIMEOUT_MS: env.integer({
      default: 2_000,
      min: 100,
      max: 30_000,
      description: 'Per-attempt timeout of a call to the payment provider.',
    }),
    PAYMENT_BREAKER_HALF_OPEN_MS: env.integer({
      default: 10_000,
      min: 10,
      max: 600_000,
      description: 'How long the payment circuit stays open before one trial call.',
    }),
    NOTIFICATIONS_URL: env.url({
      optional: true,
      protocols: ['http:', 'https:'],
      description:
        'Base URL of the notifications service; booking events are delivered to it (PostgreSQL only). Unset: kept in the outbox.',
    }),
    NOTIFICATIONS_WEBHOOK_SECRET: env.secret({
      optional: true,
      minLength: 24,
      description:
        'Standard Webhooks secret (whsec_...) that signs booking events for the notifications service.',
    }),
    OUTBOX_RELAY_INTERVAL_MS: env.integer({
      default: 1_000,
      min: 10,
      max: 600_000,
      description: 'How often new outbox events are handed to the job queue.',
    }),
    OUTBOX_RETRY_DELAY_SECONDS: env.integer({
      default: 1,
      min: 1,
      max: 3_600,
      description:
        'First delay before a failed booking event delivery is tried again; each retry doubles it (with jitter).',
    }),
    OUTBOX_RETRY_DELAY_MAX_SECONDS: env.integer({
      default: 60,
      min: 1,
      max: 86_400,
      description: 'Longest delay between two delivery attempts of a booking event, however long the outage.',
    }),
    OUTBOX_RETRY_LIMIT: env.integer({
      default: 1_000,
      min: 0,
      max: 1_000_000,
      description:
        'Retries of one booking event before pg-boss gives up (1000 at the default delays: about 16.5 hours of outage).',
    }),
    OUTBOX_RETENTION_HOURS: env.integer({
      default: 168,
      min: 1,
      max: 87_600,
      description: 'How long a delivered outbox event is kept before it is deleted (hours).',
    }),
    OUTBOX_PRUNE_INTERVAL_MS: env.integer({
      default: 3_600_000,
      min: 10,
      max: 86_400_000,
      description: 'How often delivered outbox events past their retention are deleted.',
    }),
    REFUND_RETRY_INTERVAL_MS: env.integer({
      default: 30_000,
      min: 10,
      max: 3_600_000,
      description: 'How often pending refunds are sent to the payment provider again.',
    }),
  },
})

export type Env = InferEnv<typeof envSchema>
