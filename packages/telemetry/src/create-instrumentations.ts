import { createRequire } from 'node:module'
import { context, ROOT_CONTEXT, type Tracer, trace } from '@opentelemetry/api'
import { installFastifyRouteSpans } from './fastify-route-spans.ts'
import { installHttpServerSpans, type Uninstall } from './http-server-spans.ts'
import { type Instrumentation, PgInstrumentation, suppressTracing } from './sdk.ts'

const require = createRequire(import.meta.url)

/** The instrumentation scope of the HTTP server and route spans this package makes itself. */
export const SCOPE_NAME = '@shipshape/telemetry'
export const SCOPE_VERSION = (require('../package.json') as { version: string }).version

type Query = (this: unknown, ...args: unknown[]) => unknown
type QueryPatch = (original: Query) => Query

/**
 * A query under a span that is not recording (a request not sampled) goes straight to pg. The stock patch
 * decides only at `startSpan`, after copying the query, parsing its operation name, building attributes and
 * binding its callback: work for a span nobody records. `_getClientQueryPatch` is not public API: a version
 * without it fails at start, loudly, not silently slower (the package pins the instrumentation's version).
 */
function withUnrecordedSkip(instrumentation: PgInstrumentation): PgInstrumentation {
  const target = instrumentation as unknown as { _getClientQueryPatch?: () => QueryPatch }
  const stock = target._getClientQueryPatch
  if (typeof stock !== 'function')
    throw new Error(
      '@opentelemetry/instrumentation-pg has no _getClientQueryPatch: update @shipshape/telemetry for this version',
    )
  // Called when pg loads (the patch is made then), so replacing it on the instance is in time.
  target._getClientQueryPatch = function () {
    const patch = stock.call(this)
    return (original) => {
      const traced = patch(original)
      return function query(this: unknown, ...args: unknown[]) {
        const parent = trace.getSpan(context.active())
        if (parent !== undefined && !parent.isRecording()) return original.apply(this, args)
        return traced.apply(this, args)
      }
    }
  }
  return instrumentation
}

/**
 * The pg instrumentation: a span per query, none per pool checkout (`ignoreConnectSpans`: a `pool.query`
 * would add two), none for a query outside any span (`requireParentSpan`: migrations, job polling and pool
 * maintenance would each start a trace of one span), and no work under a span that is not recording.
 */
export function createInstrumentations(): Instrumentation[] {
  return [withUnrecordedSkip(new PgInstrumentation({ ignoreConnectSpans: true, requireParentSpan: true }))]
}

/**
 * The HTTP server span of each request and the span of its Fastify route, made by this package (see
 * http-server-spans.ts and fastify-route-spans.ts). An ignored path runs under suppressed tracing, so a
 * probe gets no span at any layer (HTTP, route, the readiness query) and nothing is bound to a context.
 */
export function installRequestSpans(tracer: Tracer, ignoredPaths: readonly string[]): Uninstall {
  const ignored = new Set(ignoredPaths)
  const isIgnored = (path: string) => ignored.has(path)
  const uninstallHttp = installHttpServerSpans({
    tracer,
    isIgnored,
    suppressed: suppressTracing(ROOT_CONTEXT),
  })
  const uninstallFastify = installFastifyRouteSpans({ tracer, isIgnored })
  return () => {
    uninstallFastify()
    uninstallHttp()
  }
}
