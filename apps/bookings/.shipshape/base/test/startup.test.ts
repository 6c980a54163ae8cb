import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { getFreePort } from '@shipshape/testing'
import { expect, it } from 'vitest'

const serviceDir = fileURLToPath(new URL('..', import.meta.url))

it('refuses to start on a bad production environment, names every variable and prints no stack', () => {
  const result = spawnSync(process.execPath, ['--conditions=@shipshape/source', 'src/server.ts'], {
    cwd: serviceDir,
    env: { PATH: process.env.PATH, APP_ENV: 'production', CORS_ORIGINS: '*', SHUTDOWN_GRACE_MS: '-5' },
    encoding: 'utf8',
    timeout: 20_000,
  })
  expect(result.status).toBe(1)
  for (const variable of ['DATABASE_URL', 'CORS_ORIGINS', 'SHUTDOWN_GRACE_MS'])
    expect(result.stderr).toContain(variable)
  expect(result.stderr).not.toMatch(/\n\s+at /)
})

// Nothing listens on port 1: connecting is refused at once.
const UNREACHABLE = 'postgres://app:app-password@127.0.0.1:1/app'

it('db:migrate against an unreachable database prints one line naming it, with no stack and no false claim', () => {
  const result = spawnSync(process.execPath, ['--conditions=@shipshape/source', 'src/migrate.ts'], {
    cwd: serviceDir,
    env: { PATH: process.env.PATH, APP_ENV: 'development', DATABASE_URL: UNREACHABLE },
    encoding: 'utf8',
    timeout: 20_000,
  })
  expect(result.status).toBe(1)
  expect(result.stderr.trim()).toBe('cannot reach the database at 127.0.0.1:1 (ECONNREFUSED)')
  expect(result.stdout).toBe('')
})

it('starts on an unreachable database, warns once that it cannot reach it, and still drains on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--conditions=@shipshape/source', 'src/server.ts'], {
    cwd: serviceDir,
    env: {
      PATH: process.env.PATH,
      APP_ENV: 'development',
      DATABASE_URL: UNREACHABLE,
      PORT: String(await getFreePort()),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk
  })
  const exited = once(child, 'exit')
  try {
    for (let waited = 0; !output.includes('cannot reach the database') && waited < 20_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100))
    const warning = output.split('\n').find((line) => line.includes('cannot reach the database'))
    expect(warning).toBeDefined()
    expect(JSON.parse(warning ?? '{}')).toMatchObject({ level: 'warn' })
    expect(warning).toContain('127.0.0.1:1 (ECONNREFUSED)')
    expect(output).not.toContain('app-password')
    expect(output.split('\n').filter((line) => line.includes('cannot reach the database'))).toHaveLength(1)
  } finally {
    child.kill('SIGTERM')
  }
  const [code] = await exited
  expect(code).toBe(0)
})

it('exits 0 within its grace period on SIGTERM while the OTLP collector never answers, and says spans were dropped', async () => {
  // A collector that accepts connections and never answers (hung, or its traffic silently dropped).
  const sockets = new Set<Socket>()
  const collector = createServer((socket) => void sockets.add(socket)).listen(0, '127.0.0.1')
  await once(collector, 'listening')
  const { port: collectorPort } = collector.address() as { port: number }
  const port = await getFreePort()
  const child = spawn(
    process.execPath,
    ['--conditions=@shipshape/source', '--import', '@shipshape/telemetry/register', 'src/server.ts'],
    {
      cwd: serviceDir,
      env: {
        PATH: process.env.PATH,
        APP_ENV: 'development',
        DATABASE_URL: UNREACHABLE,
        PORT: String(port),
        SHUTDOWN_GRACE_MS: '2000',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const exited = once(child, 'exit')
  try {
    let me: Response | undefined
    for (let waited = 0; me === undefined && waited < 20_000; waited += 100) {
      me = await fetch(`http://127.0.0.1:${port}/auth/me`).catch(() => undefined)
      if (me === undefined) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    // A traced request: its spans wait in the batch for the collector.
    expect(me?.status).toBe(401)
  } finally {
    child.kill('SIGTERM')
  }
  const [code] = await exited
  for (const socket of sockets) socket.destroy()
  collector.close()
  expect(code).toBe(0)
  expect(stdout).toContain('shutdown complete')
  expect(stdout).not.toContain('grace period')
  const warning = stderr.split('\n').find((line) => line.includes('spans not yet sent were dropped'))
  expect(JSON.parse(warning ?? '{}')).toMatchObject({ level: 'warn', name: '@shipshape/telemetry' })
})
