import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Records every specifier resolved in the process, from before the preload runs.
const SPY = `data:text/javascript,${encodeURIComponent(
  "import { registerHooks } from 'node:module'; globalThis.seen = []; registerHooks({ resolve: (s, c, n) => { globalThis.seen.push(s); return n(s, c) } })",
)}`

function runUnderPreload(env: Record<string, string>, code: string): string {
  return execFileSync(
    process.execPath,
    [
      '--conditions=@shipshape/source',
      '--import',
      SPY,
      '--import',
      '@shipshape/telemetry/register',
      '--input-type=module',
      '--eval',
      code,
    ],
    {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    },
  )
}

function resolvedUnderPreload(env: Record<string, string>): string[] {
  const output = runUnderPreload(
    env,
    "await import('@shipshape/telemetry'); console.log(JSON.stringify(globalThis.seen))",
  )
  return JSON.parse(output) as string[]
}

const startsWithAny = (specifiers: string[], prefixes: string[]) =>
  specifiers.filter((specifier) => prefixes.some((prefix) => specifier.startsWith(prefix)))

describe('what the preload loads', () => {
  it('loads no SDK and no instrumentation with OTEL_SDK_DISABLED=true', () => {
    const seen = resolvedUnderPreload({ OTEL_SDK_DISABLED: 'true' })
    expect(seen).toContain('@shipshape/telemetry')
    expect(
      startsWithAny(seen, ['@opentelemetry/sdk-', '@opentelemetry/instrumentation', '@fastify/otel']),
    ).toEqual([])
  })

  it('reads nothing of OpenTelemetry, not even the API, and no HTTP module with OTEL_SDK_DISABLED=true, until the app imports the package', () => {
    const output = runUnderPreload(
      { OTEL_SDK_DISABLED: 'true' },
      'console.log(JSON.stringify({ seen: globalThis.seen, builtins: process.moduleLoadList }))',
    )
    const { seen, builtins } = JSON.parse(output) as { seen: string[]; builtins: string[] }
    expect(seen).toContain('@shipshape/telemetry/register')
    expect(startsWithAny(seen, ['@opentelemetry/', './start-sdk', './http-server-spans'])).toEqual([])
    // The request spans' modules load node:http and node:https, whose ES facades load undici and http2.
    expect(builtins.filter((name) => /^NativeModule (https?|http2|stream)$/.test(name))).toEqual([])
  })

  it('loads the trace SDK, the pg instrumentation and one exporter, nothing else of OpenTelemetry, when tracing is on', () => {
    const seen = resolvedUnderPreload({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })
    expect(seen).toEqual(
      expect.arrayContaining([
        '@opentelemetry/sdk-trace',
        '@opentelemetry/instrumentation-pg',
        '@opentelemetry/otlp-transformer',
      ]),
    )
    // HTTP and route spans are this package's own (ADR 012); sdk-node would load every signal's exporters.
    expect(
      startsWithAny(seen, [
        '@opentelemetry/instrumentation-http',
        '@fastify/otel',
        '@opentelemetry/sdk-node',
        '@opentelemetry/exporter-trace-otlp-grpc',
        '@grpc/',
      ]),
    ).toEqual([])
  })
})

describe('what every later require costs', () => {
  // Node resolves a specifier once; each require-in-the-middle hook resolves it once more, to find the
  // module's name. Counted on one require of a file not loaded yet (this package's package.json).
  function resolutionsOfOneRequire(env: Record<string, string>): number {
    const output = execFileSync(
      process.execPath,
      [
        '--conditions=@shipshape/source',
        '--import',
        '@shipshape/telemetry/register',
        '--eval',
        [
          "const Module = require('node:module')",
          'let count = 0',
          'const resolve = Module._resolveFilename',
          'Module._resolveFilename = function (...args) { count += 1; return resolve.apply(this, args) }',
          "require('./package.json')",
          'console.log(count)',
        ].join('\n'),
      ],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { PATH: process.env.PATH ?? '', ...env },
        encoding: 'utf8',
      },
    )
    return Number(output.trim())
  }

  it("resolves a require once more with tracing on than off: one require hook, the pg instrumentation's", () => {
    expect(resolutionsOfOneRequire({ OTEL_SDK_DISABLED: 'true' })).toBe(1)
    expect(resolutionsOfOneRequire({})).toBe(2)
  })
})
