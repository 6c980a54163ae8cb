import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

/**
 * Login under load, on the reference service as it runs in production (argon2id at OWASP parameters, its
 * real routes, the embedded database): how many logins a second one process sustains, and what that does to
 * /healthz latency, measured side by side in one run. Hashing runs on libuv's thread pool behind a
 * concurrency bound, so the event loop, and the probes, must stay responsive while logins queue.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8)
const serviceDir = fileURLToPath(new URL('../apps/bookings/', import.meta.url))
const password = 'violet lantern drifting seaward'

function getFreePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

async function startService(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=@shipshape/source', 'src/server.ts'], {
    cwd: serviceDir,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      AUTH_ORIGINS: `http://127.0.0.1:${port}`,
      PGLITE_DATA_DIR: 'memory://',
      RATE_LIMIT_MAX: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  for (let attempt = 0; attempt < 100; attempt++) {
    if (
      await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return child
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error('the service did not start')
}

const healthz = (base: string) => autocannon({ url: `${base}/healthz`, connections: 10, duration: SECONDS })
// One account per connection: the per-account throttle counts attempts in flight, so hammering one account
// from 16 connections would measure the brute-force defence, not login throughput.
const CONNECTIONS = 16
const bodies = Array.from({ length: CONNECTIONS }, (_, i) =>
  JSON.stringify({ email: `bench${i}@example.com`, password }),
)
let next = 0
const logins = (base: string) =>
  autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        path: '/auth/login',
        headers: { 'content-type': 'application/json', origin: base },
        setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
      },
    ],
  })

const port = await getFreePort()
const base = `http://127.0.0.1:${port}`
const service = await startService(port)
try {
  for (const body of bodies) {
    const headers = { 'content-type': 'application/json', origin: base }
    const signup = await fetch(`${base}/auth/signup`, { method: 'POST', headers, body })
    if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status}`)
  }

  const idle = await healthz(base)
  const [loaded, login] = await Promise.all([healthz(base), logins(base)])
  const loginErrors = login.non2xx + login.errors
  console.log('login statuses:', JSON.stringify(login.statusCodeStats))

  console.log(
    `logins: ${login.requests.average.toFixed(1)}/s (p99 ${login.latency.p99} ms, ${loginErrors} non-2xx)`,
  )
  console.log(`/healthz p99: ${idle.latency.p99} ms idle, ${loaded.latency.p99} ms while logging in`)
  console.log(
    `/healthz throughput while logging in: ${((loaded.requests.average / idle.requests.average) * 100).toFixed(0)}% of idle`,
  )
  if (loginErrors > 0) process.exitCode = 1
} finally {
  service.kill('SIGTERM')
}
