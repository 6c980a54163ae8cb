import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { makeCompileCache } from '@shipshape/bundle'
import { getFreePort } from '@shipshape/testing'
import { readDockerStages } from '@shipshape/testing/image'

/**
 * What the benches share: apps/notifications started as its Dockerfile's CMD starts it (built dist/, the
 * CMD's arguments read from the Dockerfile, APP_ENV=production, Node's compile cache made as the image's
 * build stage makes it, PostgreSQL migrated first with dist/migrate.js), child processes that are all
 * stopped at the end, RSS read from /proc, and one signed-in account with preferences to list.
 */
export const serviceDir = fileURLToPath(new URL('../apps/notifications/', import.meta.url))
export const benchDir = fileURLToPath(new URL('.', import.meta.url))
export const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123'
const WEBHOOK_SECRET = 'whsec_YmVuY2gtd2ViaG9vay1zZWNyZXQtMDEyMzQ1Njc4OQ=='
const BOOKINGS_WEBHOOK_SECRET = 'whsec_YmVuY2gtYm9va2luZ3Mtc2VjcmV0LTAxMjM0NTY3ODk='
const password = 'violet lantern drifting seaward'

export const ADMIN_URL =
  process.env.PG_ADMIN_URL ?? 'postgres://shipshape_test:shipshape_test@127.0.0.1:5432/shipshape_test'

const children: ChildProcess[] = []

export const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')

export function startChild(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.push(child)
  return child
}

export async function firstJsonLine<T>(child: ChildProcess): Promise<T> {
  if (child.stdout === null) throw new Error('no stdout')
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string]
  return JSON.parse(line) as T
}

export function stop(child: ChildProcess): Promise<unknown> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  return exited
}

export async function stopAll(): Promise<void> {
  await Promise.all(children.map(stop))
  if (compileCache !== undefined) rmSync(compileCache, { recursive: true, force: true })
}

export async function waitFor(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (response) => response.status === 200,
      () => false,
    )
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  throw new Error(`${url} never answered 200`)
}

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }))

/** The CPU time a process has used so far, user and system, from /proc (in clock ticks: 10 ms here). */
export function cpuMs(child: ChildProcess): number {
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8')
  // The fields after the command name (which may hold spaces): state is the 3rd, utime the 14th, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND
}

export function rssMiB(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
}

// --- the service, as the Dockerfile's CMD runs it -----------------------------------------------------------

let compileCache: string | undefined

/**
 * Node's compile cache of the built service, made as the image's build stage makes it (`shipshape-compile-cache`
 * with the CMD's arguments), for the starts to use as the image's `NODE_COMPILE_CACHE` does. Removed by
 * `stopAll`.
 */
export async function prepareCompileCache(): Promise<number> {
  const directory = mkdtempSync(join(tmpdir(), 'bench-compile-cache-'))
  compileCache = directory
  const made = await makeCompileCache({
    dir: serviceDir,
    args: dockerCmd,
    cacheDir: join(directory, 'cache'),
  })
  return made.modules
}

function serviceEnv(databaseUrl: string, port: number): Record<string, string> {
  const cache: Record<string, string> =
    compileCache === undefined
      ? {}
      : { NODE_COMPILE_CACHE: join(compileCache, 'cache'), NODE_COMPILE_CACHE_PORTABLE: '1' }
  return {
    ...cache,
    APP_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    JWT_SECRET,
    WEBHOOK_SECRET,
    BOOKINGS_WEBHOOK_SECRET,
    AUTH_ORIGINS: `http://127.0.0.1:${port}`,
    // Counted on every request, never reached (the limit is per minute and per address).
    RATE_LIMIT_MAX: '1000000',
    OTEL_SERVICE_NAME: 'notifications',
  }
}

/** The image's exec-form CMD (`CMD ["node", ...]`), read from the Dockerfile so the two cannot drift apart. */
function readDockerCmd(): string[] {
  const runtime = readDockerStages(readFileSync(`${serviceDir}Dockerfile`, 'utf8')).at(-1) ?? []
  const cmd = runtime.findLast((instruction) => instruction.keyword === 'CMD')
  if (cmd === undefined || !cmd.args.startsWith('['))
    throw new Error('apps/notifications/Dockerfile has no exec-form CMD')
  const [command, ...args] = JSON.parse(cmd.args) as string[]
  if (command !== 'node') throw new Error(`the CMD runs ${command}, not node`)
  return args
}
export const dockerCmd = readDockerCmd()

export function assertBuilt(): void {
  if (!existsSync(`${serviceDir}dist/server.js`))
    throw new Error(
      'apps/notifications/dist is missing: run `pnpm turbo run build --filter=notifications...` first',
    )
}

/** `node dist/migrate.js` on the database, as the deployment's migration job runs it. */
export async function migrate(databaseUrl: string): Promise<void> {
  const child = startChild(['dist/migrate.js'], {
    cwd: serviceDir,
    env: {
      APP_ENV: 'production',
      DATABASE_URL: databaseUrl,
      JWT_SECRET,
      WEBHOOK_SECRET,
      BOOKINGS_WEBHOOK_SECRET,
    },
  })
  child.stdout?.resume()
  const [code] = (await once(child, 'exit')) as [number | null]
  if (code !== 0) throw new Error(`dist/migrate.js exited with ${code}`)
}

export interface Service {
  child: ChildProcess
  url: string
  /** Spawn to the first `/readyz` 200: wall time, and the CPU time the process used to get there. */
  coldMs: number
  coldCpuMs: number
}

/**
 * Starts the service with the CMD's arguments; `env` adds or overrides (the tracing variant), and a variable
 * it sets to `undefined` is left out (`NODE_COMPILE_CACHE`: a start without the cache). `trace.nodeArgs` go
 * before the CMD's (a V8 trace), and `trace.onLine` is given each line the process writes to stdout.
 */
export async function startService(
  databaseUrl: string,
  env: Record<string, string | undefined>,
  trace: { nodeArgs: string[]; onLine: (line: string) => void } = { nodeArgs: [], onLine: () => {} },
): Promise<Service> {
  const port = await getFreePort()
  const started = performance.now()
  const merged = Object.entries({ ...serviceEnv(databaseUrl, port), ...env }).filter(
    (pair): pair is [string, string] => pair[1] !== undefined,
  )
  const child = startChild([...trace.nodeArgs, ...dockerCmd], {
    cwd: serviceDir,
    env: Object.fromEntries(merged),
  })
  if (child.stdout !== null) createInterface({ input: child.stdout }).on('line', trace.onLine)
  const url = `http://127.0.0.1:${port}`
  await waitFor(`${url}/readyz`)
  return { child, url, coldMs: performance.now() - started, coldCpuMs: cpuMs(child) }
}

/**
 * Refreshes the session as a client does before its access cookie expires (`POST /auth/refresh` with the
 * refresh cookie: no password, no argon2); returns the new cookies.
 */
export async function refreshSession(origin: string, cookie: string): Promise<string> {
  const response = await fetch(`${origin}/auth/refresh`, { method: 'POST', headers: { origin, cookie } })
  if (response.status !== 200) throw new Error(`/auth/refresh answered ${response.status}`)
  return cookiesOf(response)
}

function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((each) => each.split(';')[0])
    .join('; ')
}

/** One account with `count` preferences; returns its session cookie. */
export async function signUpAndSeed(origin: string, count: number): Promise<string> {
  const signup = await fetch(`${origin}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ email: 'bench@example.com', password }),
  })
  if (signup.status !== 201) throw new Error(`sign-up answered ${signup.status}`)
  const cookie = cookiesOf(signup)
  for (let index = 0; index < count; index++) {
    const created = await fetch(`${origin}/preferences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, cookie, 'idempotency-key': `seed-${index}` },
      body: JSON.stringify({
        name: `preference ${index}`,
        description: 'e-mail me when a booking is confirmed',
      }),
    })
    if (created.status !== 201) throw new Error(`seeding answered ${created.status}`)
  }
  return cookie
}
