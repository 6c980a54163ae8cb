import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import autocannon from 'autocannon'
import { median } from './median.ts'

/**
 * Measures what @shipshape/server's production defaults cost against a bare Fastify 5 on the same machine,
 * in one run: warm-up, then alternating rounds so drift (thermal, other load) hits both sides equally.
 * Exits 1 when /healthz keeps less than MIN_THROUGHPUT_RATIO of bare throughput or its p99 exceeds
 * MAX_P99_RATIO times bare.
 */
const MIN_THROUGHPUT_RATIO = 0.6
const MAX_P99_RATIO = 2
const CONNECTIONS = 50
const ROUND_SECONDS = Number(process.env.BENCH_SECONDS ?? 3)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6)

interface Sample {
  rps: number
  p99: number
  non2xx: number
}

async function startServers(): Promise<{ child: ChildProcess; urls: { bare: string; shipshape: string } }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@shipshape/source', new URL('servers.ts', import.meta.url).pathname],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  if (child.stdout === null) throw new Error('no stdout from the server process')
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string]
  return { child, urls: JSON.parse(line) as { bare: string; shipshape: string } }
}

async function measure(url: string, seconds: number): Promise<Sample> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds })
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx + result.errors }
}

async function compare(path: string, urls: { bare: string; shipshape: string }) {
  await measure(urls.bare + path, 2)
  await measure(urls.shipshape + path, 2)
  const bare: Sample[] = []
  const ours: Sample[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['bare', 'ours'] as const) : (['ours', 'bare'] as const)
    for (const side of order) {
      if (side === 'bare') bare.push(await measure(urls.bare + path, ROUND_SECONDS))
      else ours.push(await measure(urls.shipshape + path, ROUND_SECONDS))
    }
  }
  const throughputRatio = median(bare.map((sample, index) => (ours[index]?.rps ?? 0) / sample.rps))
  const p99Ratio = median(bare.map((sample, index) => (ours[index]?.p99 ?? 0) / Math.max(sample.p99, 1)))
  const bareRps = median(bare.map((sample) => sample.rps))
  const oursRps = median(ours.map((sample) => sample.rps))
  const non2xx = [...bare, ...ours].reduce((total, sample) => total + sample.non2xx, 0)
  console.log(
    `${path.padEnd(9)} bare ${bareRps.toFixed(0)} req/s p99 ${median(bare.map((s) => s.p99))} ms` +
      ` | shipshape ${oursRps.toFixed(0)} req/s p99 ${median(ours.map((s) => s.p99))} ms` +
      ` | throughput ${(throughputRatio * 100).toFixed(1)}% p99 x${p99Ratio.toFixed(2)} (medians of ${ROUNDS} paired rounds)` +
      ` | non-2xx ${non2xx}`,
  )
  return { throughputRatio, p99Ratio, non2xx }
}

const { child, urls } = await startServers()
try {
  console.log(
    `node ${process.version}, ${CONNECTIONS} connections, ${ROUNDS} x ${ROUND_SECONDS} s per side after warm-up`,
  )
  const health = await compare('/healthz', urls)
  await compare('/echo', urls)
  const failures = [
    health.throughputRatio < MIN_THROUGHPUT_RATIO
      ? `throughput ${(health.throughputRatio * 100).toFixed(1)}% < 60%`
      : '',
    health.p99Ratio > MAX_P99_RATIO ? `p99 x${health.p99Ratio.toFixed(2)} > x2` : '',
    health.non2xx > 0 ? `${health.non2xx} non-2xx responses on /healthz` : '',
  ].filter((failure) => failure !== '')
  if (failures.length > 0) {
    console.error(`FAIL /healthz: ${failures.join('; ')}`)
    process.exitCode = 1
  } else console.log('PASS /healthz within the budget')
} finally {
  child.kill('SIGTERM')
}
