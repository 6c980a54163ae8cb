import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { getFreePort } from '@shipshape/testing'

/**
 * bookings and notifications as real processes, each started from its own folder the way `pnpm dev` starts
 * it (the source, migrations applied at start), optionally behind the telemetry preload as production runs
 * it (`--import @shipshape/telemetry/register`). The multi-service tests drive them from outside: nothing
 * of either service is imported.
 */
export type ServiceName = 'bookings' | 'notifications'

export type RunningService = {
  readonly url: string
  readonly port: number
  readonly child: ChildProcess
  output(): string
  /** Sends `signal` (SIGTERM by default: a graceful stop) and resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>
}

export type ServiceOptions = {
  env: Record<string, string>
  /** A port to reuse (a restart behind the same address); a free one otherwise. */
  port?: number
  /** Starts the telemetry preload with these OTEL_* variables. */
  telemetry?: Record<string, string>
}

async function waitUntilReady(service: RunningService): Promise<void> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const response = await fetch(`${service.url}/readyz`).catch(() => undefined)
    if (response?.status === 200) return
    if (service.child.exitCode !== null || Date.now() > deadline)
      throw new Error(`${service.url} did not become ready:\n${service.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

export async function startService(name: ServiceName, options: ServiceOptions): Promise<RunningService> {
  const port = options.port ?? (await getFreePort())
  const preload = options.telemetry ? ['--import', '@shipshape/telemetry/register'] : []
  const child = spawn(process.execPath, ['--conditions=@shipshape/source', ...preload, 'src/server.ts'], {
    cwd: fileURLToPath(new URL(`../../${name}/`, import.meta.url)),
    env: {
      PATH: process.env.PATH,
      APP_ENV: 'development',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_MAX: '0',
      MIGRATE_ON_START: 'true',
      PORT: String(port),
      ...options.telemetry,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  for (const stream of [child.stdout, child.stderr])
    stream?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
    })
  const exited = once(child, 'exit')
  const service: RunningService = {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      await exited
    },
  }
  try {
    await waitUntilReady(service)
  } catch (error) {
    await service.stop('SIGKILL')
    throw error
  }
  return service
}

/** The Origin a browser on bookings' own pages sends (its default port in development). */
const origin = 'http://127.0.0.1:3000'
const password = 'violet lantern drifting seaward'

/** A client of a running bookings process: signs up a user, who owns one resource open all week. */
export async function bookingsClient(bookingsUrl: string) {
  const signup = await fetch(`${bookingsUrl}/auth/signup`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${crypto.randomUUID()}@example.com`, password }),
  })
  if (signup.status !== 201) throw new Error(`signup: ${signup.status} ${await signup.text()}`)
  const cookie = signup.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ')
  const call = async (path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${bookingsUrl}${path}`, {
      method: 'POST',
      headers: {
        cookie,
        origin,
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: response.status, json: (await response.json()) as Record<string, string> }
  }
  const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '00:00', closes: '24:00' }))
  const resource = await call('/resources', { name: 'studio', openingHours: allWeek })
  if (resource.status !== 201) throw new Error(`resource: ${resource.status}`)
  let nextHour = 0
  return {
    /** Holds the next free hour (two days ahead, one hour after the previous one). */
    book(headers: Record<string, string> = {}) {
      const startsAt = new Date(Date.now() + 2 * 86_400_000 + nextHour++ * 3_600_000)
      startsAt.setUTCMinutes(0, 0, 0)
      const endsAt = new Date(startsAt.getTime() + 3_600_000)
      return call('/bookings', { resourceId: resource.json.id, startsAt, endsAt }, headers)
    },
    cancel: (bookingId: string) => call(`/bookings/${bookingId}/cancel`),
  }
}
