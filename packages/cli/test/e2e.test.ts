import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, expect, it } from 'vitest'
import { runCli } from './run-cli.ts'

// The whole path a user takes: generate into this workspace, install, typecheck, run the service's own
// tests against PostgreSQL, start it and probe it, then leave the workspace as it was.
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

it('generates a service that installs, typechecks, passes its tests on PostgreSQL, and serves', async () => {
  if (!databaseUrl) throw new Error('DATABASE_URL is not set: bash tooling/scripts/test.sh starts PostgreSQL')
  const port = await getFreePort()
  const generated = runCli(
    ['new', 'service', name, '--port', String(port), '--resource', 'tickets', '--no-install'],
    root,
  )
  expect(generated.status).toBe(0)

  pnpm(['install', '--offline', '--no-frozen-lockfile'])
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

function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

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
