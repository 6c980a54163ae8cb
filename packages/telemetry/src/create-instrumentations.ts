import { FastifyOtelInstrumentation } from '@fastify/otel'
import type { Instrumentation } from '@opentelemetry/instrumentation'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg'

/** Module specifiers the ESM hook must intercept; every other module loads untouched. */
export const HOOKED_MODULES = ['pg', 'pg-pool', 'http', 'https']

function getRequestPath(url: string | undefined): string {
  const path = url ?? '/'
  const queryStart = path.indexOf('?')
  return queryStart === -1 ? path : path.slice(0, queryStart)
}

/**
 * The three instrumentations a shipshape service needs, and nothing else: the auto-instrumentations
 * bundle doubles cold start. An ignored path runs under suppressed tracing, so a probe gets no span at
 * any layer (HTTP, Fastify, the readiness query) and costs nothing per poll.
 */
export function createInstrumentations(ignoredPaths: readonly string[]): Instrumentation[] {
  const ignored = new Set(ignoredPaths)
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => ignored.has(getRequestPath(request.url)),
    }),
    // Registers its plugin on every Fastify instance as it is created: services add nothing.
    new FastifyOtelInstrumentation({ registerOnInitialization: true }),
    new PgInstrumentation(),
  ]
}
