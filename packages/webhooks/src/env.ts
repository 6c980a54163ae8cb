import { defineEnvFragment, env } from '@shipshape/config'

/**
 * The secrets of a service's own Standard Webhooks endpoint, for `defineServiceEnv({ fragments:
 * [webhooksEnv] })`: a service passes both to `webhooksPlugin` (`secrets: [current, previous]`). This module
 * imports nothing but `@shipshape/config`, so a schema (and `shipshape doctor`) can read it without loading
 * the plugin.
 */
export const webhooksEnv = defineEnvFragment(() => ({
  WEBHOOK_SECRET: env.secret({
    minLength: 24,
    description:
      "Standard Webhooks secret (whsec_...) that signs deliveries to the service's webhook endpoint.",
  }),
  WEBHOOK_SECRET_PREVIOUS: env.secret({
    minLength: 24,
    optional: true,
    description: 'The previous webhook secret, still accepted while the sender rotates to the new one.',
  }),
}))
