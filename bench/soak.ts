import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { createScratchDatabase } from '@shipshape/testing'
import autocannon from 'autocannon'
import {
  ADMIN_URL,
  assertBuilt,
  benchDir,
  dockerCmd,
  load,
  migrate,
  prepareCompileCache,
  refreshSession,
  rssMiB,
  signUpAndSeed,
  startChild,
  startService,
  stop,
  stopAll,
} from './service.ts'

/**
 * Does the service as production starts it keep its memory under steady load? apps/notifications, started
 * with its Dockerfile's CMD and exporting every span to a loopback OTLP sink, serves a steady mix for
 * BENCH_SOAK_SECONDS (default 600): a signed-in list, a create with a fresh Idempotency-Key (a row, an
 * idempotency record, a span tree each) and a probe, at BENCH_SOAK_RATE requests a second in all. RSS is
 * read every BENCH_SOAK_SAMPLE_SECONDS; after a warm-up of a third of the run (the heap grows to its working
 * size), the least-squares slope (MiB a minute) and the growth from the end of the warm-up to the end are printed. It asserts no figure: it
 * exits 1 only on a non-2xx answer or a service that exits mid-run. BENCH_SMOKE=1: 6 s, sampled every second (a check that it runs).
 */
const SMOKE = process.env.BENCH_SMOKE === '1'
const SECONDS = SMOKE ? 6 : Number(process.env.BENCH_SOAK_SECONDS ?? 600)
const SAMPLE_SECONDS = SMOKE ? 1 : Number(process.env.BENCH_SOAK_SAMPLE_SECONDS ?? 30)
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 400)
const CONNECTIONS = 8
// The access cookie lives 15 minutes (the auth default): the load refreshes its session every 10, as a
// client does, so a soak of any length measures signed-in requests (in smoke mode every 2 s, to check it
// works). A refresh hashes no password: a sign-in's argon2 (19 MiB for a moment) would show in the RSS.
const REFRESH_EVERY_MS = SMOKE ? 2000 : 10 * 60_000
if (!(SECONDS > 0 && Number.isFinite(SECONDS))) {
  console.error(
    `BENCH_SOAK_SECONDS must be a number of seconds above 0; got ${process.env.BENCH_SOAK_SECONDS}`,
  )
  process.exit(1)
}

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length
  const meanX = points.reduce((sum, point) => sum + point.x, 0) / n
  const meanY = points.reduce((sum, point) => sum + point.y, 0) / n
  let numerator = 0
  let denominator = 0
  for (const { x, y } of points) {
    numerator += (x - meanX) * (y - meanY)
    denominator += (x - meanX) ** 2
  }
  return denominator === 0 ? 0 : numerator / denominator
}

assertBuilt()
const scratch = await createScratchDatabase(ADMIN_URL)
let failures = 0
try {
  console.log(
    `soak: node ${dockerCmd.join(' ')}, exporting every span; ${SECONDS} s at ${RATE} req/s over ${CONNECTIONS} connections${SMOKE ? ' (SMOKE: not a measurement)' : ''}; load average at start ${load()}`,
  )
  await migrate(scratch.url)
  console.log(
    `compile cache: ${await prepareCompileCache()} modules, made as the image's build stage makes it`,
  )
  const sink = startChild(['otlp-sink.ts'], { cwd: benchDir })
  const sinkLines = createInterface({ input: sink.stdout as NodeJS.ReadableStream })
  const [sinkLine] = (await once(sinkLines, 'line')) as [string]
  const sinkUrl = (JSON.parse(sinkLine) as { url: string }).url

  const service = await startService(scratch.url, { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl })
  const origin = service.url
  let cookie = await signUpAndSeed(origin, 25)
  let refreshes = 0
  const refreshing = setInterval(() => {
    refreshSession(origin, cookie).then(
      (fresh) => {
        cookie = fresh
        refreshes++
      },
      (error: unknown) => console.error(`refreshing the session failed: ${String(error)}`),
    )
  }, REFRESH_EVERY_MS)
  const ready = rssMiB(service.child)

  const started = performance.now()
  const samples: { minute: number; rss: number }[] = []
  // A service that dies mid-run is the soak's finding, not a crash of the soak: said once, and a failure.
  let exited: string | undefined
  const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
    exited = `the service exited during the soak (${signal ?? `exit ${code}`})`
    console.error(exited)
  }
  service.child.once('exit', onExit)
  const sampler = setInterval(() => {
    if (exited !== undefined) return
    samples.push({ minute: (performance.now() - started) / 60_000, rss: rssMiB(service.child) })
  }, SAMPLE_SECONDS * 1000)

  let created = 0
  const result = await autocannon({
    url: origin,
    connections: CONNECTIONS,
    overallRate: RATE,
    duration: SECONDS,
    requests: [
      {
        method: 'GET',
        path: '/preferences?limit=20',
        setupRequest: (request) => ({ ...request, headers: { cookie } }),
      },
      {
        method: 'POST',
        path: '/preferences',
        setupRequest: (request) => {
          created++
          return {
            ...request,
            headers: {
              'content-type': 'application/json',
              origin,
              cookie,
              'idempotency-key': `soak-${created}`,
            },
            body: JSON.stringify({ name: `soak ${created}`, description: 'steady load' }),
          }
        },
      },
      { method: 'GET', path: '/healthz' },
    ],
  })
  clearInterval(sampler)
  clearInterval(refreshing)
  service.child.off('exit', onExit)
  // Before the sink stops (stopAll stops the rest at once): the last spans reach it, none is dropped.
  await stop(service.child)
  failures = result.non2xx + result.errors + (exited === undefined ? 0 : 1)

  const warmedUp = samples.filter((sample) => sample.minute * 60 >= SECONDS / 3)
  console.log(`\n| minute | RSS (MiB) |\n|---|---|\n| ready, before load | ${ready.toFixed(0)} |`)
  for (const sample of samples) console.log(`| ${sample.minute.toFixed(2)} | ${sample.rss.toFixed(0)} |`)
  const first = warmedUp[0]
  const last = warmedUp.at(-1)
  if (first !== undefined && last !== undefined) {
    const perMinute = slope(warmedUp.map((sample) => ({ x: sample.minute, y: sample.rss })))
    console.log(
      `\nafter the warm-up (${first.minute.toFixed(1)} min): ${first.rss.toFixed(0)} → ${last.rss.toFixed(0)} MiB` +
        ` (${(last.rss - first.rss).toFixed(1)} MiB); least-squares slope ${perMinute.toFixed(2)} MiB/min`,
    )
  }
  console.log(
    `${result.requests.total} requests (${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms), ${created} creates, ${refreshes} session refreshes`,
  )
  console.log(`load average at end ${load()}; ${failures} non-2xx or failed requests`)
  if (failures > 0) process.exitCode = 1
} finally {
  await stopAll()
  await scratch.drop()
}
