import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { constants } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getFreePort } from '@shipshape/testing'
import { rehearseImage, runInWorkspace, startImage } from '@shipshape/testing/image'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { runCli } from '../test/run-cli.ts'

// The whole path a user takes: generate into this workspace, install, typecheck, run the service's own
// tests against PostgreSQL, start it and probe it, stop its dev script, then leave the workspace as it was.
// One file generates one service for every test: each install rewrites pnpm-lock.yaml, so two files doing it
// at once would race.
const root = fileURLToPath(new URL('../../..', import.meta.url))
const name = `e2e-${randomBytes(3).toString('hex')}`
const serviceDir = join(root, 'apps', name)
const lockfile = join(root, 'pnpm-lock.yaml')
const lockBefore = readFileSync(lockfile, 'utf8')
const databaseUrl = process.env.DATABASE_URL

const pnpm = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  execFileSync('pnpm', args, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', stdio: 'pipe' })

const runAdmin = async (statement: string) => {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  await client.query(statement).finally(() => client.end())
}
// The started service gets a database of its own, so no earlier run's schema can get in its way.
const serviceDatabase = name.replaceAll('-', '_')

afterAll(async () => {
  if (databaseUrl) await runAdmin(`DROP DATABASE IF EXISTS ${serviceDatabase} WITH (FORCE)`)
  rmSync(serviceDir, { recursive: true, force: true })
  writeFileSync(lockfile, lockBefore)
  pnpm(['install', '--offline', '--frozen-lockfile'])
})

let port: number

beforeAll(async () => {
  port = await getFreePort()
  const generated = runCli(
    ['new', 'service', name, '--port', String(port), '--resource', 'tickets', '--no-install'],
    root,
  )
  expect(generated.status).toBe(0)
  pnpm(['install', '--offline', '--no-frozen-lockfile'])
}, 120_000)

it('generates a service that installs, typechecks, passes its tests on PostgreSQL, and serves', async () => {
  if (!databaseUrl) throw new Error('DATABASE_URL is not set: bash tooling/scripts/test.sh starts PostgreSQL')
  pnpm(['--filter', name, 'typecheck'])
  pnpm(['--filter', name, 'test'], { DATABASE_URL: databaseUrl })
  const report = JSON.parse(readFileSync(join(serviceDir, '.vitest/results.json'), 'utf8'))
  expect(report.numFailedTests).toBe(0)
  expect(report.numPassedTests).toBeGreaterThan(40)
  const files = report.testResults.map((result: { name: string }) => result.name)
  expect(files.some((file: string) => file.endsWith('readiness.pg.test.ts'))).toBe(true)

  await runAdmin(`CREATE DATABASE ${serviceDatabase}`)
  const serviceUrl = new URL(databaseUrl)
  serviceUrl.pathname = `/${serviceDatabase}`
  const server = spawn(
    process.execPath,
    ['--conditions=@shipshape/source', '--import', '@shipshape/telemetry/register', 'src/server.ts'],
    {
      cwd: serviceDir,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: serviceUrl.toString(),
        MIGRATE_ON_START: 'true',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  try {
    const base = `http://127.0.0.1:${port}`
    await waitForHttp(`${base}/healthz`, server)
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' })
    const ready = await fetch(`${base}/readyz`)
    expect(ready.status).toBe(200)
    const origin = base
    const signup = await fetch(`${base}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ email: 'e2e@example.com', password: 'violet lantern drifting seaward' }),
    })
    expect(signup.status).toBe(201)
    const cookie = signup.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ')
    const created = await fetch(`${base}/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, cookie },
      body: JSON.stringify({ name: 'from the e2e test' }),
    })
    expect(created.status).toBe(201)
  } finally {
    server.kill('SIGTERM')
  }
  expect(await waitForExit(server)).toBe(0)
}, 300_000)

// No Docker engine here: the image's steps are taken from the Dockerfile and run on this machine
// (`rehearseImage`): the build stage's in the workspace (its install is done already) with /deploy in a
// temporary directory, the runtime stage's COPY, ENV and CMD with /app in another, as its USER. A step that
// names a file the build did not make fails here, and so does a compile cache the runtime user does not read.
it("builds the image's contents as its Dockerfile does, and they start as its CMD starts them", async () => {
  if (!databaseUrl) throw new Error('DATABASE_URL is not set: bash tooling/scripts/test.sh starts PostgreSQL')
  const image = rehearseImage({ dockerfile: join(serviceDir, 'Dockerfile'), run: runInWorkspace(root) })
  try {
    await runAdmin(`CREATE DATABASE ${serviceDatabase}_image`)
    const imageUrl = new URL(databaseUrl)
    imageUrl.pathname = `/${serviceDatabase}_image`
    const service = await startImage(image, { DATABASE_URL: imageUrl.toString() })
    try {
      expect((await fetch(`${service.baseUrl}/readyz`)).status).toBe(200)
    } finally {
      expect(await service.stop(), service.stderr().slice(-4000)).toBe(0)
    }
    const loader = `file://${join(image.appDir, 'dist', 'server.js')}`
    expect(service.stderr()).toContain(`V8 code cache for ESM ${loader} was accepted`)
    // The bundle's script, from the code cache made after a start (the functions the start ran).
    const codeCache = join(image.appDir, '.node-compile-cache', 'shipshape', 'server.bundle.cjs-')
    expect(service.stderr()).toMatch(new RegExp(`code cache ${codeCache}[0-9a-f]{8} accepted`))
  } finally {
    image.remove()
    await runAdmin(`DROP DATABASE IF EXISTS ${serviceDatabase}_image WITH (FORCE)`)
  }
}, 300_000)

// Ctrl-C on a terminal signals the whole foreground process group; a process manager signals pnpm alone.
// Node's watch mode used to abort natively on either (exit 134, `Assertion failed: (wrap) != nullptr`).
it.each([
  { stop: 'Ctrl-C (SIGINT to the process group)', signal: 'SIGINT', group: true },
  { stop: 'SIGTERM to pnpm', signal: 'SIGTERM', group: false },
] as const)(
  'stops `pnpm --filter <service> dev` cleanly on $stop',
  async ({ signal, group }) => {
    const devPort = await getFreePort()
    const dev = spawn('pnpm', ['--filter', name, 'dev'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(devPort), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    let output = ''
    const collect = (chunk: Buffer) => {
      output += chunk
    }
    dev.stdout?.on('data', collect)
    dev.stderr?.on('data', collect)
    try {
      await waitForHttp(`http://127.0.0.1:${devPort}/healthz`, dev)
    } finally {
      if (dev.pid !== undefined) process.kill(group ? -dev.pid : dev.pid, signal)
    }
    // 'close', not 'exit': every line the watcher wrote is in `output` by then.
    const [code, killedBy] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      dev.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    )
    // A clean stop is exit 0, or pnpm ending by the signal it was sent (as 128 + its number, or killed by it),
    // after the service logged the end of its graceful shutdown; never the watcher's abort (pnpm, signalled
    // itself, may still end by that signal while the watcher below it aborts: hence the output check).
    const signalled = killedBy === signal || code === 128 + constants.signals[signal]
    const outcome = {
      clean: code === 0 || signalled,
      aborted: output.includes('Assertion failed'),
      shutDown: output.includes('shutdown complete'),
    }
    expect(outcome, output).toEqual({ clean: true, aborted: false, shutDown: true })
  },
  60_000,
)

async function waitForHttp(url: string, child: ChildProcess): Promise<void> {
  let stderr = ''
  child.stderr?.on('data', (chunk) => {
    stderr += chunk
  })
  for (let attempt = 0; attempt < 150; attempt++) {
    if (child.exitCode !== null) throw new Error(`the service exited early: ${stderr}`)
    if (
      await fetch(url).then(
        () => true,
        () => false,
      )
    )
      return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`the service never answered ${url}: ${stderr}`)
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}
