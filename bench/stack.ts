import { type ChildProcess, execFileSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { stripTypeScriptTypes } from 'node:module'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { createScratchDatabase } from '@shipshape/testing'
import autocannon from 'autocannon'
import { median } from './median.ts'
import {
  ADMIN_URL,
  assertBuilt,
  benchDir,
  cpuMs,
  dockerCmd,
  firstJsonLine,
  JWT_SECRET,
  load,
  migrate,
  prepareCompileCache,
  rssMiB,
  type Service,
  signUpAndSeed,
  startChild,
  startService as startWith,
  stop,
  stopAll,
  waitFor,
} from './service.ts'

/**
 * A generated service (apps/notifications: the template's resource as generated, plus one webhook route)
 * started as its Dockerfile's CMD starts it (built dist/, the CMD's arguments read from the Dockerfile,
 * APP_ENV=production, PostgreSQL on a scratch database migrated first with dist/migrate.js), measured side
 * by side with bare Fastify and a hand-written Fastify + pg + jose service, in rounds that rotate which side
 * goes first, over several sets of the service's processes (the tracing variants in more, shorter rounds of
 * their own). Prints ratios and p99 per row, cold start to /readyz 200 and RSS. BENCH_SMOKE=1: one short
 * round of everything (a CI check that the bench still runs, not a measurement). Exits 1 on any non-2xx
 * answer.
 */
const SMOKE = process.env.BENCH_SMOKE === '1'
const CONNECTIONS = 32
const ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_ROUNDS ?? 5)
const SECONDS = SMOKE ? 1 : Number(process.env.BENCH_SECONDS ?? 3)
const WARMUP_SECONDS = SMOKE ? 0.5 : 2
const COLD_RUNS = SMOKE ? 1 : Number(process.env.BENCH_COLD_RUNS ?? 5)
// The service runs as this many sets of its four variants in turn (a fresh set each time); each set gets this
// many tracing rounds after a longer warm-up, and its share of ROUNDS: see "every row of the service" below.
const TRACING_PROCESSES = SMOKE ? 1 : Number(process.env.BENCH_TRACING_PROCESSES ?? 3)
const TRACING_ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_TRACING_ROUNDS ?? 3)
const TRACING_SECONDS = SMOKE ? 1 : Number(process.env.BENCH_TRACING_SECONDS ?? 2)
const TRACING_WARMUP_SECONDS = SMOKE ? 0.5 : 8
const SLICE_WARMUP_SECONDS = SMOKE ? 0 : 0.5
// The tracing variants once more, each as a pair with tracing off on one core at the same time: this many
// fresh pairs per variant, each warmed up together, then measured in rounds of simultaneous slices.
const PAIRS = SMOKE ? 1 : Number(process.env.BENCH_PAIRS ?? 3)
const PAIR_ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_PAIR_ROUNDS ?? 6)
const PAIR_SECONDS = SMOKE ? 1 : Number(process.env.BENCH_PAIR_SECONDS ?? 2)
const PAIR_WARMUP_SECONDS = SMOKE ? 2 : 15
// Smoke mode loads a pair lightly: two processes fresh from their start on one core of a busy CI machine,
// under 32 connections each, shed load (503) in their first seconds, which is what shedding is for.
const PAIR_CONNECTIONS = SMOKE ? 4 : CONNECTIONS

// --- the service, as the Dockerfile's CMD runs it -----------------------------------------------------------

const VARIANTS = ['off', 'idle', 'export', 'sampled'] as const
type Variant = (typeof VARIANTS)[number]
let sinkUrl = ''

function variantEnv(variant: Variant): Record<string, string> {
  switch (variant) {
    case 'off':
      return { OTEL_SDK_DISABLED: 'true' }
    case 'idle':
      return {}
    case 'export':
      return { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl }
    case 'sampled':
      return {
        OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.01',
      }
  }
}

function startService(variant: Variant, databaseUrl: string): Promise<Service> {
  return startWith(databaseUrl, variantEnv(variant))
}

/** One process of each variant, started one after the other. */
async function startVariants(databaseUrl: string): Promise<Record<Variant, Service>> {
  const started: Partial<Record<Variant, Service>> = {}
  for (const variant of VARIANTS) started[variant] = await startService(variant, databaseUrl)
  return started as Record<Variant, Service>
}

// The baselines as their author would deploy them: JavaScript. Run as TypeScript, each start would also load
// Node's type stripper (~120 ms here), which no production start pays; the bench strips the types once
// (Node's own stripper, which says once that it is experimental). Written beside the bench's node_modules,
// so the imports resolve as from baselines.ts.
const baselinesScript = join(benchDir, 'node_modules', '.cache', 'baselines.mjs')
mkdirSync(dirname(baselinesScript), { recursive: true })
writeFileSync(baselinesScript, stripTypeScriptTypes(readFileSync(join(benchDir, 'baselines.ts'), 'utf8')))

async function startBaselines(databaseUrl: string) {
  const started = performance.now()
  const child = startChild([baselinesScript, databaseUrl, JWT_SECRET, 'notifications'], { cwd: benchDir })
  const urls = await firstJsonLine<{ bare: string; handWritten: string }>(child)
  await waitFor(`${urls.handWritten}/readyz`)
  return { child, ...urls, coldMs: performance.now() - started, coldCpuMs: cpuMs(child) }
}

/** A start: wall time to the first `/readyz` 200, and the CPU its process used to get there. */
interface Start {
  coldMs: number
  coldCpuMs: number
}

// --- load ---------------------------------------------------------------------------------------------------

interface Sample {
  rps: number
  p99: number
  failures: number
  requests: number
  /** CPU time the side's process used during the slice: what its requests cost, whatever else ran. */
  cpuMs: number
}

/** A side: where to send the load, and the process that answers (the CPU time of which is read). */
interface Side {
  url: string
  child: ChildProcess
}

async function measure(
  side: Side,
  path: string,
  seconds: number,
  headers: Record<string, string>,
  connections = CONNECTIONS,
) {
  const cpuBefore = cpuMs(side.child)
  const result = await autocannon({
    url: `${side.url}${path}`,
    connections,
    duration: seconds,
    headers,
  })
  if (result.non2xx + result.errors > 0) {
    const codes = Object.entries(result.statusCodeStats ?? {}).filter(([code]) => !code.startsWith('2'))
    console.error(
      `${path}: ${codes.map(([code, stats]) => `${stats.count} x ${code}`).join(', ') || 'no non-2xx'}; ${result.errors} errors (${result.timeouts} timeouts)`,
    )
  }
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors,
    requests: result.requests.total,
    cpuMs: cpuMs(side.child) - cpuBefore,
  } satisfies Sample
}

/**
 * Every side once per round, the first side rotating, so drift on a shared machine hits all alike. Each
 * measured slice follows a short unmeasured one: a side that sat idle while the others ran starts cold
 * (its CPU caches, its pool's connections), which would count against whichever side waits longest.
 */
async function runRounds(
  path: string,
  sides: Record<string, Side>,
  headers: Record<string, string> = {},
  { rounds = ROUNDS, seconds = SECONDS, warmup = WARMUP_SECONDS } = {},
) {
  const names = Object.keys(sides)
  const samples: Record<string, Sample[]> = Object.fromEntries(names.map((name) => [name, []]))
  const side = (name: string) => sides[name] as Side
  for (const name of names) await measure(side(name), path, warmup, headers)
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, index) => names[(index + round) % names.length] as string)
    for (const name of order) {
      if (SLICE_WARMUP_SECONDS > 0) await measure(side(name), path, SLICE_WARMUP_SECONDS, headers)
      samples[name]?.push(await measure(side(name), path, seconds, headers))
    }
  }
  return samples
}

/**
 * Two sides loaded at the same time, in slices that start and end together, both processes (every thread)
 * on one core. Taken in turns, the same process costs up to twice as much CPU a request from one slice to the
 * next on this shared machine (neighbours on the host), more than the tracing rows measure; two processes
 * that share one core over the same seconds share whatever the machine does to it, and the scheduler gives
 * each half of that core, so the ratio of their throughputs is the ratio of what a request costs each. Two
 * processes of the same build measured so: 94-111 % a slice, median 100.3 % over 24 (the nineteenth pass).
 */
async function runPaired(
  path: string,
  sides: Record<string, Side>,
  headers: Record<string, string>,
  { rounds = PAIR_ROUNDS, seconds = PAIR_SECONDS, warmup = PAIR_WARMUP_SECONDS } = {},
) {
  const names = Object.keys(sides)
  const samples: Record<string, Sample[]> = Object.fromEntries(names.map((name) => [name, []]))
  const all = (slice: number) =>
    Promise.all(names.map((name) => measure(sides[name] as Side, path, slice, headers, PAIR_CONNECTIONS)))
  await all(warmup)
  for (let round = 0; round < rounds; round++)
    for (const [index, sample] of (await all(seconds)).entries())
      samples[names[index] as string]?.push(sample)
  return samples
}

/**
 * Puts every thread of each process on the machine's last core (`taskset`; threads made later inherit it).
 * Returns why it could not, for the output: the pair then shares every core, and the measure is coarser.
 */
function pinToOneCore(children: ChildProcess[]): string | undefined {
  const cores = availableParallelism()
  if (cores < 2) return 'one core: nothing to pin'
  try {
    for (const child of children)
      execFileSync('taskset', ['-a', '-cp', String(cores - 1), String(child.pid)], { stdio: 'ignore' })
    return undefined
  } catch (error) {
    return `not pinned (taskset: ${(error as Error).message.split('\n')[0]})`
  }
}

let failures = 0
const rows: string[] = []

function row(label: string, samples: Record<string, Sample[]>, ours: string, base: string) {
  const a = samples[ours] ?? []
  const b = samples[base] ?? []
  const ratios = a.map((sample, index) => sample.rps / (b[index]?.rps ?? Number.NaN))
  const ratio = median(ratios)
  const spread = `${(Math.min(...ratios) * 100).toFixed(0)}-${(Math.max(...ratios) * 100).toFixed(0)}`
  const p99Ratio = median(a.map((sample, index) => sample.p99 / Math.max(b[index]?.p99 ?? 1, 1)))
  const cpu = (list: Sample[]) =>
    (list.reduce((total, s) => total + s.cpuMs, 0) * 1000) / list.reduce((total, s) => total + s.requests, 0)
  const line =
    `| ${label} | ${ours} ${median(a.map((s) => s.rps)).toFixed(0)} req/s, p99 ${median(a.map((s) => s.p99))} ms, ${cpu(a).toFixed(0)} µs CPU` +
    ` | ${base} ${median(b.map((s) => s.rps)).toFixed(0)} req/s, p99 ${median(b.map((s) => s.p99))} ms, ${cpu(b).toFixed(0)} µs CPU` +
    ` | **${(ratio * 100).toFixed(1)} %** (${spread}) | p99 x${p99Ratio.toFixed(2)} | ${((cpu(b) / cpu(a)) * 100).toFixed(1)} % |`
  rows.push(line)
  console.log(line)
}

function countFailures(samples: Record<string, Sample[]>) {
  for (const [name, list] of Object.entries(samples)) {
    const count = list.reduce((total, sample) => total + sample.failures, 0)
    if (count > 0) console.error(`${name}: ${count} non-2xx or failed requests`)
    failures += count
  }
}

// --- the run ------------------------------------------------------------------------------------------------

assertBuilt()
const scratch = await createScratchDatabase(ADMIN_URL)
try {
  console.log(
    `service: node ${dockerCmd.join(' ')}\nnode ${process.version}, ${CONNECTIONS} connections, ${ROUNDS} rounds x ${SECONDS} s per side (tracing: ${TRACING_PROCESSES} processes per variant in turn, ${TRACING_ROUNDS} rounds x ${TRACING_SECONDS} s each, after ${TRACING_WARMUP_SECONDS} s warm-up; paired on one core: ${PAIRS} pairs per variant, ${PAIR_ROUNDS} rounds x ${PAIR_SECONDS} s after ${PAIR_WARMUP_SECONDS} s warm-up), each after ${SLICE_WARMUP_SECONDS} s unmeasured, after ${WARMUP_SECONDS} s warm-up${SMOKE ? ' (SMOKE: not a measurement)' : ''}; load average at start ${load()}`,
  )
  await migrate(scratch.url)
  console.log(
    `compile cache: ${await prepareCompileCache()} modules, made as the image's build stage makes it`,
  )

  const sink = startChild(['otlp-sink.ts'], { cwd: benchDir })
  const sinkLines = createInterface({ input: sink.stdout as NodeJS.ReadableStream })
  const [sinkLine] = (await once(sinkLines, 'line')) as [string]
  sinkUrl = (JSON.parse(sinkLine) as { url: string }).url

  // Cold start: spawn to the first /readyz 200, the variants alternating, median of COLD_RUNS. Each with the
  // image's compile cache, and exporting once more without it (what the cache buys).
  const coldStarts = {
    'tracing off': variantEnv('off'),
    'preload, no endpoint': variantEnv('idle'),
    exporting: variantEnv('export'),
    'exporting, no compile cache': { ...variantEnv('export'), NODE_COMPILE_CACHE: undefined },
  }
  // Wall time swings with the machine; the CPU a start used swings less (a bundle's start is CPU-bound).
  const cold: Record<string, Start[]> = Object.fromEntries(Object.keys(coldStarts).map((name) => [name, []]))
  const coldBaseline: Start[] = []
  for (let run = 0; run < COLD_RUNS; run++) {
    for (const [name, env] of Object.entries(coldStarts)) {
      const service = await startWith(scratch.url, env)
      cold[name]?.push(service)
      await stop(service.child)
    }
    const baseline = await startBaselines(scratch.url)
    coldBaseline.push(baseline)
    await stop(baseline.child)
  }

  // One account with 25 preferences (the list reads 20 + 1 rows and answers a page with a next cursor), made
  // through a process of its own that then stops: a sign-up checks the password against the common-password
  // list, and a process that has loaded it keeps ~4x as much alive per scavenge and promotes ~30x as much
  // from then on, ~5 % slower on the list (the twentieth pass). Every measured process starts alike.
  const seeder = await startService('off', scratch.url)
  const cookie = await signUpAndSeed(seeder.url, 25)
  await stop(seeder.child)

  const services = await startVariants(scratch.url)
  const baselines = await startBaselines(scratch.url)
  const finer = startChild(['--conditions=@shipshape/source', 'servers.ts'], { cwd: benchDir })
  const finerUrls = await firstJsonLine<{ bare: string; shipshape: string }>(finer)

  // Idle: started, ready, nothing served yet.
  await new Promise((resolve) => setTimeout(resolve, 2000))
  const idleRss = Object.fromEntries(
    Object.entries(services).map(([name, service]) => [name, rssMiB(service.child)]),
  )
  const baselineRss = rssMiB(baselines.child)

  console.log(
    '\n| row | ours | baseline | throughput: median of the per-round ratios, and their range | p99 | CPU per request: baseline / ours |\n|---|---|---|---|---|---|',
  )
  // Two processes started alike differ by up to 16 % in CPU per request (memory layout, JIT and GC
  // decisions: the seventh pass), as much as some rows measure. So every row of the service pools
  // TRACING_PROCESSES sets of the four variants, started in turn: the set above, then fresh ones. Each set is
  // warmed up by its tracing rounds (TRACING_WARMUP_SECONDS each: the first seconds of a process still
  // compile), then serves `/healthz` and the signed-in list beside the baselines, ROUNDS spread over the sets.
  const listPath = '/preferences?limit=20'
  const roundsPerSet = Math.max(1, Math.ceil(ROUNDS / TRACING_PROCESSES))
  const health: Record<string, Sample[]> = {
    bare: [],
    'createServer()': [],
    service: [],
    'service, tracing off': [],
  }
  const list: Record<string, Sample[]> = { 'hand-written': [], off: [], idle: [] }
  const tracing: Record<Variant, Sample[]> = { off: [], idle: [], export: [], sampled: [] }
  const pool = (into: Record<string, Sample[]>, samples: Record<string, Sample[]>) => {
    for (const [name, each] of Object.entries(samples)) into[name]?.push(...each)
  }
  const bare = { url: baselines.bare, child: baselines.child }
  const createServerSide = { url: finerUrls.shipshape, child: finer }
  const handWritten = { url: baselines.handWritten, child: baselines.child }
  let loadedRss: Record<string, number> = {}
  let set = services
  for (let index = 0; index < TRACING_PROCESSES; index++) {
    if (index > 0) set = await startVariants(scratch.url)
    pool(
      tracing,
      await runRounds(
        listPath,
        set,
        { cookie },
        { rounds: TRACING_ROUNDS, seconds: TRACING_SECONDS, warmup: TRACING_WARMUP_SECONDS },
      ),
    )
    pool(
      health,
      await runRounds(
        '/healthz',
        { bare, 'createServer()': createServerSide, service: set.idle, 'service, tracing off': set.off },
        {},
        { rounds: roundsPerSet },
      ),
    )
    pool(
      list,
      await runRounds(
        listPath,
        { 'hand-written': handWritten, off: set.off, idle: set.idle },
        { cookie },
        { rounds: roundsPerSet },
      ),
    )
    // After the load: the first set, which served every row.
    if (index === 0)
      loadedRss = Object.fromEntries(VARIANTS.map((variant) => [variant, rssMiB(services[variant].child)]))
    await Promise.all(VARIANTS.map((variant) => stop(set[variant].child)))
  }
  // The tracing variants once more, each beside tracing off on one core at the same time (`runPaired`):
  // PAIRS fresh pairs per variant, the variants in turn, so drift over the run spreads over all three.
  const paired: Record<Exclude<Variant, 'off'>, Record<string, Sample[]>> = {
    idle: { off: [], idle: [] },
    export: { off: [], export: [] },
    sampled: { off: [], sampled: [] },
  }
  let pinning: string | undefined
  for (let pair = 0; pair < PAIRS; pair++) {
    for (const variant of ['idle', 'export', 'sampled'] as const) {
      // Which of the two starts first alternates: the first is the older process when the load begins.
      const order: Variant[] = pair % 2 === 0 ? ['off', variant] : [variant, 'off']
      const started: Partial<Record<Variant, Service>> = {}
      for (const name of order) started[name] = await startService(name, scratch.url)
      const off = started.off as Service
      const other = started[variant] as Service
      pinning = pinToOneCore([off.child, other.child])
      pool(paired[variant], await runPaired(listPath, { off, [variant]: other }, { cookie }))
      await Promise.all([stop(off.child), stop(other.child)])
    }
  }

  countFailures(health)
  row('`GET /healthz`: the service vs bare Fastify', health, 'service', 'bare')
  row('`GET /healthz`: the service, tracing off, vs bare Fastify', health, 'service, tracing off', 'bare')
  row('`GET /healthz`: `createServer()` alone vs bare Fastify (finer)', health, 'createServer()', 'bare')
  countFailures(list)
  row('signed-in `GET /preferences?limit=20`: the service vs hand-written', list, 'idle', 'hand-written')
  row('signed-in list, tracing off vs hand-written', list, 'off', 'hand-written')
  countFailures(tracing)
  row('tracing: preload, no endpoint vs `OTEL_SDK_DISABLED=true`', tracing, 'idle', 'off')
  row('tracing: exporting 100 % to a loopback OTLP sink vs off', tracing, 'export', 'off')
  row('tracing: exporting at 1 % sampling vs off', tracing, 'sampled', 'off')
  for (const samples of Object.values(paired)) countFailures(samples)
  row('tracing, paired on one core: preload, no endpoint vs off', paired.idle, 'idle', 'off')
  row('tracing, paired on one core: exporting 100 % vs off', paired.export, 'export', 'off')
  row('tracing, paired on one core: 1 % sampling vs off', paired.sampled, 'sampled', 'off')
  if (pinning !== undefined) console.log(`(the pairs: ${pinning})`)

  console.log('\n| cold start to `/readyz` 200 (median) | ms | CPU to ready, ms |\n|---|---|---|')
  const coldCells = (starts: Start[]) =>
    `${median(starts.map((start) => start.coldMs)).toFixed(0)} | ${median(starts.map((start) => start.coldCpuMs)).toFixed(0)}`
  for (const [name, starts] of Object.entries(cold)) {
    const line = `| cold start, ${name} | ${coldCells(starts)} |`
    rows.push(line)
    console.log(line)
  }
  const baselineCold = `| cold start, hand-written Fastify + pg + jose | ${coldCells(coldBaseline)} |`
  rows.push(baselineCold)
  console.log(baselineCold)
  console.log('\n| RSS (MiB) | idle (ready, nothing served) | after the load |\n|---|---|---|')
  for (const name of Object.keys(services)) {
    const line = `| RSS, service ${name} | ${idleRss[name]?.toFixed(0)} | ${loadedRss[name]?.toFixed(0)} |`
    rows.push(line)
    console.log(line)
  }
  console.log(`| RSS, baselines (bare + hand-written, one process) | ${baselineRss.toFixed(0)} | |`)

  const sinkCounts = once(sinkLines, 'line')
  sink.kill('SIGTERM')
  const [counts] = (await sinkCounts) as [string]
  const received = JSON.parse(counts) as { requests: number; bytes: number; scopes: Record<string, number> }
  const scopes = Object.entries(received.scopes).map(([scope, count]) => `${scope} in ${count}`)
  console.log(
    `\nOTLP sink received ${received.requests} export requests, ${received.bytes} bytes; scopes: ${scopes.join(', ')}`,
  )
  // The request spans and the pg spans, out of the bundled service: pg must stay where the preload patches it.
  const missing = Object.entries(received.scopes).filter(([, count]) => count === 0)
  if (received.requests === 0 || missing.length > 0) {
    console.error(
      `the exporting services sent no spans of ${missing.map(([scope]) => scope).join(', ') || 'any scope'}`,
    )
    failures++
  }
  console.log(`load average at end ${load()}; ${failures} non-2xx or failed requests`)
  if (failures > 0) process.exitCode = 1
} finally {
  await stopAll()
  await scratch.drop()
}
