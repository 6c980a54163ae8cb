import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const ROWS = [
  '`GET /healthz`: the service vs bare Fastify',
  '`GET /healthz`: the service, tracing off, vs bare Fastify',
  '`GET /healthz`: `createServer()` alone vs bare Fastify (finer)',
  'signed-in `GET /preferences?limit=20`: the service vs hand-written',
  'signed-in list, tracing off vs hand-written',
  'tracing: preload, no endpoint vs `OTEL_SDK_DISABLED=true`',
  'tracing: exporting 100 % to a loopback OTLP sink vs off',
  'tracing: exporting at 1 % sampling vs off',
  'tracing, paired on one core: preload, no endpoint vs off',
  'tracing, paired on one core: exporting 100 % vs off',
  'tracing, paired on one core: 1 % sampling vs off',
  'cold start, tracing off',
  'cold start, preload, no endpoint',
  'cold start, exporting',
  'cold start, exporting, no compile cache',
  'cold start, hand-written Fastify + pg + jose',
  'RSS, service idle',
]

// The bench in smoke mode, so it cannot rot: it must run to the end, every answer 2xx, every row printed.
// No figure is asserted: numbers on a shared machine belong in bench/README, read as ratios.
it('runs every row of the stack bench in smoke mode, with only 2xx answers', () => {
  const result = spawnSync(process.execPath, ['--conditions=@shipshape/source', 'stack.ts'], {
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    env: { ...process.env, BENCH_SMOKE: '1' },
    encoding: 'utf8',
    timeout: 170_000,
  })
  const output = `${result.stdout}\n${result.stderr}`
  expect(result.status, output).toBe(0)
  for (const label of ROWS) expect(result.stdout).toContain(`| ${label} |`)
  // Every throughput row also says what a request cost each side's process in CPU, and their ratio.
  const lines = result.stdout.split('\n')
  for (const label of ROWS.filter((each) => !/^(cold start|RSS)/.test(each)))
    expect(lines.find((line) => line.startsWith(`| ${label} |`))).toMatch(
      /\| .*, \d+ µs CPU \| .*, \d+ µs CPU \| .* \| p99 x\d+\.\d\d \| \d+\.\d % \|$/,
    )
  // A start: its wall time to the first /readyz 200, and the CPU its process used to get there.
  for (const label of ROWS.filter((each) => each.startsWith('cold start')))
    expect(lines.find((line) => line.startsWith(`| ${label} |`))).toMatch(/\| \d+ \| \d+ \|$/)
  expect(result.stdout).toMatch(/^compile cache: [1-9]\d* modules/m)
  // The built service is a bundle: its request spans and its pg spans both reach the collector.
  expect(result.stdout).toMatch(
    /scopes: @shipshape\/telemetry in [1-9]\d*, @opentelemetry\/instrumentation-pg in [1-9]\d*/,
  )
  expect(result.stdout).toContain('0 non-2xx or failed requests')
}, 180_000)

it('runs the soak in smoke mode: RSS sampled under a steady mix, only 2xx answers', () => {
  const result = spawnSync(process.execPath, ['--conditions=@shipshape/source', 'soak.ts'], {
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    env: { ...process.env, BENCH_SMOKE: '1' },
    encoding: 'utf8',
    timeout: 110_000,
  })
  const output = `${result.stdout}\n${result.stderr}`
  expect(result.status, output).toBe(0)
  expect(result.stdout).toMatch(/least-squares slope -?\d+\.\d+ MiB\/min/)
  expect(result.stdout).toMatch(/ [1-9]\d* creates, [1-9]\d* session refreshes/)
  expect(result.stdout).toContain('0 non-2xx or failed requests')
}, 120_000)
