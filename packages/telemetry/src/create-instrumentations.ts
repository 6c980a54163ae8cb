import { createRequire } from 'node:module'
import { context, ROOT_CONTEXT, type Tracer } from '@opentelemetry/api'
import { installFastifyRouteSpans } from './fastify-route-spans.ts'
import { installHttpServerSpans, type Uninstall } from './http-server-spans.ts'
import { createQueryPatch } from './pg-query-spans.ts'
import { type Instrumentation, PgInstrumentation, suppressTracing } from './sdk.ts'

const require = createRequire(import.meta.url)

/** The instrumentation scope of the HTTP server and route spans this package makes itself. */
export const SCOPE_NAME = '@shipshape/telemetry'
export const SCOPE_VERSION = (require('../package.json') as { version: string }).version

type Method = (this: unknown, ...args: unknown[]) => unknown
type Patch = (original: Method) => Method

/**
 * Replaces one of the pg instrumentation's patch factories. They are not public API: a version without
 * one fails at start, loudly, not silently slower or wrong (the package pins the instrumentation's version).
 * The factories are called when pg and pg-pool load, so replacing them on the instance is in time.
 */
function replacePatch(
  instrumentation: PgInstrumentation,
  factory: '_getClientQueryPatch' | '_getPoolConnectPatch' | '_getPoolEndPatch',
  replace: (stock: () => Patch) => () => Patch,
): void {
  const target = instrumentation as unknown as Record<typeof factory, (() => Patch) | undefined>
  const stock = target[factory]
  if (typeof stock !== 'function')
    throw new Error(
      `@opentelemetry/instrumentation-pg has no ${factory}: update @shipshape/telemetry for this version`,
    )
  target[factory] = replace(stock.bind(instrumentation))
}

/**
 * A `pool.connect(callback)` (what `pool.query` does) that finds every connection busy waits in pg-pool's
 * queue, and the queue calls it back from whichever request releases a connection next: its query would
 * be traced in that request's trace, or not at all under a span that had just ended (under load, 0.11 of a
 * list's two query spans reached the exporter). The callback is bound to its caller's context instead. The stock patch
 * is replaced, not wrapped: with no connect spans, all it did was keep pool metrics, and no meter provider
 * is registered (traces only), so they went nowhere at a cost on every checkout.
 */
const keepCallerContext = () => (): Patch => (original) =>
  function connect(this: unknown, ...args: unknown[]) {
    const [callback] = args
    const active = context.active()
    if (typeof callback !== 'function' || active === ROOT_CONTEXT) return original.apply(this, args)
    // Not `context.bind`: it makes two closures and redefines the wrapper's `length`, on every query.
    return original.call(this, (...results: unknown[]) =>
      context.with(active, callback as Method, undefined, ...results),
    )
  }

/** No pool metrics were recorded (see keepCallerContext), so there are none to take back on `end`. */
const unchanged = () => (): Patch => (original) => original

/**
 * The pg instrumentation, for how it finds `pg` as it loads, with a query patch of this package's
 * (pg-query-spans.ts): a span per query, none for a query outside any span, no work under a span that is
 * not recording, a failure recorded by its SQLSTATE and not its message; none per pool checkout
 * (`ignoreConnectSpans`: a `pool.query` would add two); and a query that waited for a connection kept in
 * its own request's trace.
 */
export function createInstrumentations(): Instrumentation[] {
  // No `requireParentSpan`: only the stock query and connect patches read it, and neither runs here.
  const pg = new PgInstrumentation({ ignoreConnectSpans: true })
  // `tracer` is the instrumentation's own (its scope), set when it is registered, before pg loads.
  const getTracer = () => (pg as unknown as { tracer: Tracer }).tracer
  replacePatch(pg, '_getClientQueryPatch', () => () => createQueryPatch(getTracer))
  replacePatch(pg, '_getPoolConnectPatch', keepCallerContext)
  replacePatch(pg, '_getPoolEndPatch', unchanged)
  return [pg]
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
