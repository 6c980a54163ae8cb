import { createRequire } from 'node:module'
import type * as FastifyOtel from '@fastify/otel'
import type * as Api from '@opentelemetry/api'
import type * as Core from '@opentelemetry/core'
import type { Instrumentation } from '@opentelemetry/instrumentation'
import type * as InstrumentationHttp from '@opentelemetry/instrumentation-http'
import type * as InstrumentationPg from '@opentelemetry/instrumentation-pg'

// Loaded when tracing starts, not when this package is imported (OTEL_SDK_DISABLED=true loads none of them).
const require = createRequire(import.meta.url)

/** Module specifiers the ESM hook must intercept; every other module loads untouched. */
export const HOOKED_MODULES = ['pg', 'pg-pool', 'http', 'https']

function getRequestPath(url: string | undefined): string {
  const path = url ?? '/'
  const queryStart = path.indexOf('?')
  return queryStart === -1 ? path : path.slice(0, queryStart)
}

/**
 * @fastify/otel builds on its own copy of `@opentelemetry/instrumentation` (0.222; http and pg use 0.300),
 * whose base class, at its first construction, installs a require-in-the-middle hook that intercepts every
 * later `require` of the process to re-resolve it, although @fastify/otel patches no module (`init()` is
 * empty: it hooks Fastify through its diagnostics channel). A second such hook doubles that work on every
 * module load. When @fastify/otel asks for no module, its copy's hook singleton is filled with one that
 * refuses registrations (loud, should a later version ask for one), so it never installs the hook.
 */
function skipUnusedRequireHook(instrumentation: { prototype: { init(): unknown } }): void {
  const modules = instrumentation.prototype.init.call(undefined)
  if (!Array.isArray(modules) || modules.length > 0) return
  try {
    const { RequireInTheMiddleSingleton } = createRequire(require.resolve('@fastify/otel'))(
      '@opentelemetry/instrumentation/build/src/platform/node/RequireInTheMiddleSingleton.js',
    ) as { RequireInTheMiddleSingleton: { _instance?: unknown } }
    RequireInTheMiddleSingleton._instance ??= {
      register(name: string) {
        throw new Error(`@fastify/otel asked to patch ${name}: @shipshape/telemetry assumed it patches none`)
      },
    }
  } catch {
    // Another layout (one shared copy, or a newer one): the hook, if any, is installed as before.
  }
}

type Emit = (this: unknown, event: string, ...args: unknown[]) => boolean
type IncomingRequestFunction = (component: string, original: Emit) => Emit

/**
 * The HTTP instrumentation, with an early exit for ignored paths. For an ignored request, the stock one
 * still enters a suppressed context and binds the request and response emitters to it (seven methods of
 * each wrapped, every later listener wrapped too): most of what tracing cost a probe. Here an ignored request
 * goes to the server's own `emit` under one suppressed context made once, so nothing below it traces
 * (the readiness query makes no span) and nothing is bound. The instrumentation's `_incomingRequestFunction`
 * is not public API: a version without it fails at start, loudly, not silently slower.
 */
function withEarlyExit(
  instrumentation: InstrumentationHttp.HttpInstrumentation,
  isIgnored: (url: string | undefined) => boolean,
): InstrumentationHttp.HttpInstrumentation {
  const target = instrumentation as unknown as { _incomingRequestFunction?: IncomingRequestFunction }
  const stock = target._incomingRequestFunction
  if (typeof stock !== 'function')
    throw new Error(
      '@opentelemetry/instrumentation-http has no _incomingRequestFunction: update @shipshape/telemetry for this version',
    )
  const { context, ROOT_CONTEXT } = require('@opentelemetry/api') as typeof Api
  const { suppressTracing } = require('@opentelemetry/core') as typeof Core
  const suppressed = suppressTracing(ROOT_CONTEXT)
  // Replaced before the first `require('http')` patches the server: the patch calls this per module.
  target._incomingRequestFunction = function (component, original) {
    const instrumented = stock.call(this, component, original)
    return function incomingRequest(this: unknown, event, ...args) {
      if (event === 'request' && isIgnored((args[0] as { url?: string }).url))
        return context.with(suppressed, () => original.apply(this, [event, ...args]))
      return instrumented.apply(this, [event, ...args])
    }
  }
  return instrumentation
}

/**
 * The three instrumentations a shipshape service needs, and nothing else: the auto-instrumentations
 * bundle doubles cold start. An ignored path runs under suppressed tracing, so a probe gets no span at
 * any layer (HTTP, Fastify, the readiness query), no emitter is bound to a context, and Fastify's
 * instrumentation leaves its route unwrapped, so a poll costs next to nothing.
 */
export function createInstrumentations(ignoredPaths: readonly string[]): Instrumentation[] {
  const ignored = new Set(ignoredPaths)
  const isIgnored = (url: string | undefined) => ignored.has(getRequestPath(url))
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof InstrumentationHttp
  const { FastifyOtelInstrumentation } = require('@fastify/otel') as typeof FastifyOtel
  skipUnusedRequireHook(FastifyOtelInstrumentation as unknown as { prototype: { init(): unknown } })
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof InstrumentationPg
  return [
    withEarlyExit(new HttpInstrumentation(), isIgnored),
    // Registers its plugin on every Fastify instance as it is created: services add nothing. One span for
    // the route and one for its handler; a span per hook (a service has a dozen) halved throughput.
    new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      instrumentHooks: false,
      ignorePaths: (route) => isIgnored(route.url),
    }),
    new PgInstrumentation(),
  ]
}
