import { addRouteDocs, type RouteDocs } from '@shipshape/server'
import type { FastifyInstance, RouteOptions } from 'fastify'
import fastifyPlugin from 'fastify-plugin'
import { startCleanup } from './cleanup.ts'
import type { IdempotencyTransaction } from './database.ts'
import { createOnSend, createPreHandler, releaseUnsentKey, trackHandler } from './handlers.ts'
import type { IdempotencyOptions } from './options.ts'
import { resolveOptions } from './options.ts'
import { guardRootDatabase } from './root-guard.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The open transaction of a request that holds an Idempotency-Key; null otherwise. */
    idempotencyTx: IdempotencyTransaction | null
  }
  interface FastifyContextConfig {
    /** Opt a route in to Idempotency-Key handling. */
    idempotency?: boolean
  }
}

/** What an idempotent route adds to the OpenAPI document: the header and the answers it can cause. */
const idempotencyDocs: RouteDocs = {
  headers: {
    'Idempotency-Key': {
      description:
        'Makes a retry safe: the same key and body replay the first response; kept at least 24 hours, scoped to the caller.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
    },
  },
  problems: {
    400: ['invalid_idempotency_key'],
    409: ['idempotency_in_progress'],
    422: ['idempotency_key_reused'],
    503: ['unavailable'],
  },
}

async function registerIdempotency(fastify: FastifyInstance, options: IdempotencyOptions): Promise<void> {
  const resolved = resolveOptions(options)
  guardRootDatabase(resolved.db)
  const preHandler = createPreHandler(resolved)
  fastify.decorateRequest('idempotencyTx', null)
  fastify.addHook('onRoute', (route) => {
    if (route.config?.idempotency !== true) return
    addRouteDocs(route, idempotencyDocs)
    // Appended last so that it runs after the route's own preHandlers (authentication sets the scope).
    route.preHandler = [...getPreHandlers(route), preHandler]
    route.handler = trackHandler(route.handler)
  })
  fastify.addHook('onSend', createOnSend(resolved))
  fastify.addHook('onResponse', releaseUnsentKey)
  if (resolved.cleanupIntervalMs !== false) {
    const stop = startCleanup(resolved.db, resolved.cleanupIntervalMs, (err) => {
      fastify.log.error({ err }, 'idempotency key cleanup failed')
    })
    fastify.addHook('onClose', () => stop())
  }
}

type PreHandlers = NonNullable<RouteOptions['preHandler']>
type PreHandler = PreHandlers extends readonly (infer H)[] | infer H ? H : never

function getPreHandlers(route: RouteOptions): PreHandler[] {
  const current = route.preHandler
  if (current === undefined) return []
  return Array.isArray(current) ? current : [current]
}

/**
 * Honours `Idempotency-Key` on routes declared with `config: { idempotency: true }`. Register it before the
 * routes and before any plugin that rewrites payloads (compression), so stored bytes are what handlers sent.
 */
export const idempotencyPlugin = fastifyPlugin(registerIdempotency, {
  fastify: '5.x',
  name: '@shipshape/idempotency',
})
