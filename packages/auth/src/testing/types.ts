import type { AppDatabase } from '@shipshape/db'
import type { FastifyInstance } from 'fastify'
import type { AuthPluginOptions } from '../options.ts'

/** One running instance of the service under test. */
export type AuthContractService = {
  /** Ready, built by the service's own buildApp (createServer + authPlugin + its routes). */
  app: FastifyInstance
  /** The service's drizzle database; the tables of `@shipshape/auth/schema` are in it. */
  db: AppDatabase
  /** Every log line the app wrote (its pino stream captured at level 'trace' or 'debug'). */
  logs: string[]
}

export type AuthContractOptions = {
  /**
   * Builds a fresh service instance on its own database, forwarding `auth` into authPlugin's options so that
   * they win over the service's own (a shallow spread: a `throttle` here replaces the service's). Called
   * once per area while vitest collects that area's `describe`, so an `afterAll` registered inside (as
   * `setupTestService` does) closes the instance when the area ends.
   */
  setup: (auth: Partial<AuthPluginOptions>) => Promise<AuthContractService>
  /** An Origin the service accepts for cookie-authenticated unsafe requests. */
  allowedOrigin: string
  /**
   * The service's owner-scoped sample resource, for BOLA: POST path, a valid create body, a valid patch
   * body. Rows are at `${path}/${id}` and the create response has `id`.
   */
  resource: { path: string; createBody: Record<string, unknown>; updateBody: Record<string, unknown> }
}

export type SignupRaceOptions = AuthContractOptions & {
  /** Rounds of the race, each on a new email (default 5). */
  rounds?: number
  /** Concurrent sign-ups per round (default 50). */
  concurrency?: number
}
