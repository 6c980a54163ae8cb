import { execFile } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { startOtlpReceiver } from '@shipshape/testing/otlp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildDist } from '../build-dist.ts'

// What `pnpm build` writes, as the image runs it: the preload, then the app importing the package.
// Records the URL of every module resolved, from before the preload runs.
const SPY = `data:text/javascript,${encodeURIComponent(
  "import { registerHooks } from 'node:module'; globalThis.seen = []; registerHooks({ resolve: (s, c, n) => { const r = n(s, c); globalThis.seen.push(r.url); return r } })",
)}`

const packageDir = join(import.meta.dirname, '..')
// Built apart from the package's own dist/ (which tests do not wait for), laid out as published:
// package.json beside dist/.
const published = mkdtempSync(join(tmpdir(), 'telemetry-dist-'))
const dist = join(published, 'dist')
beforeAll(async () => {
  copyFileSync(join(packageDir, 'package.json'), join(published, 'package.json'))
  await buildDist(packageDir, dist)
})
afterAll(() => rmSync(published, { recursive: true, force: true }))

/** Runs `code` after the built preload and the built package's import; returns what it printed. */
async function runBuilt(env: Record<string, string>, code: string): Promise<string> {
  const index = pathToFileURL(join(dist, 'index.js')).href
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      SPY,
      '--import',
      pathToFileURL(join(dist, 'register.js')).href,
      '--input-type=module',
      '--eval',
      `await import(${JSON.stringify(index)}); ${code}`,
    ],
    // From this package's directory: the app's own `@opentelemetry/api` resolves from its node_modules.
    { cwd: packageDir, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' },
  )
  return stdout
}

async function filesLoaded(env: Record<string, string>): Promise<string[]> {
  const seen = JSON.parse(await runBuilt(env, 'console.log(JSON.stringify(globalThis.seen))')) as string[]
  const root = `${pathToFileURL(published).href}/`
  const files = seen.filter((url) => !url.startsWith('node:')).map((url) => url.replace(root, ''))
  return [...new Set(files)].sort()
}

describe('the built package', () => {
  it('reads three files with tracing off: the preload, the package and the API as one file', async () => {
    expect(await filesLoaded({ OTEL_SDK_DISABLED: 'true' })).toEqual([
      'dist/index.js',
      'dist/otel-api.js',
      'dist/register.js',
    ])
  })

  it('reads five (and the manifest) when tracing is on: the SDK with the request spans in one, and the exporter asked for', async () => {
    expect(await filesLoaded({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })).toEqual([
      'dist/exporter-otlp-proto.js',
      'dist/index.js',
      'dist/otel-api.js',
      'dist/register.js',
      'dist/start-sdk.js',
      // The instrumentation scope's version.
      'package.json',
    ])
  })

  it("shares one tracer provider with the app's own copy of the API", async () => {
    const output = await runBuilt(
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' },
      "const { trace } = await import('@opentelemetry/api'); const span = trace.getTracer('app').startSpan('work'); console.log(span.isRecording(), span.spanContext().traceId !== '0'.repeat(32)); span.end()",
    )
    expect(output.trim()).toBe('true true')
  })

  it('exports through its worker thread, started from the built files', async () => {
    const receiver = await startOtlpReceiver()
    try {
      await runBuilt(
        { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
        `const { trace } = await import('@opentelemetry/api'); trace.getTracer('app').startSpan('work').end(); const { shutdownTelemetry } = await import(${JSON.stringify(pathToFileURL(join(dist, 'index.js')).href)}); await shutdownTelemetry()`,
      )
      expect(receiver.spans.map((span) => span.name)).toEqual(['work'])
    } finally {
      await receiver.close()
    }
  })
})
