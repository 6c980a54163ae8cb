import type { EnvFields, EnvRule } from './schema.ts'

/** What a service tells the fragments it uses: the defaults some of their variables derive from. */
export interface ServiceEnvContext {
  /** The port the service listens on by default; its own origin in development derives from it. */
  readonly defaultPort: number
}

/**
 * The variables a building block reads, with its cross-field rules: `@shipshape/auth/env` brings
 * JWT_SECRET and the cookie settings, `@shipshape/webhooks/env` the webhook secrets. The package that reads
 * a variable defines it; a service lists the fragments it uses in `defineServiceEnv({ fragments })`.
 */
export interface EnvFragment<F extends EnvFields> {
  /** The fragment's fields for one service, in the order `.env.example` lists them. */
  getFields(service: ServiceEnvContext): F
  readonly rules: readonly EnvRule<F>[]
}

/** Declares a fragment; its fields are checked like any others when a service's schema is defined. */
export function defineEnvFragment<F extends EnvFields>(
  getFields: (service: ServiceEnvContext) => F,
  options: { readonly rules?: readonly EnvRule<F>[] } = {},
): EnvFragment<F> {
  return Object.freeze({ getFields, rules: Object.freeze([...(options.rules ?? [])]) })
}
