import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { getFreePort, type ServiceProcess, startServiceProcess } from '@shipshape/testing'
import { startOtlpReceiver } from '@shipshape/testing/otlp'
import { expect, it } from 'vitest'

const serviceDir = fileURLToPath(new URL('..', import.meta.url))

it('refuses to start on a bad production environment, names every variable and prints no stack', () => {
  const result = spawnSync(process.execPath, [{{#if sourceCondition}}'--conditions=@shipshape/source', {{/if}}'src/server.ts'], {
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
  const result = spawnSync(process.execPath, [{{#if sourceCondition}}'--conditions=@shipshape/source', {{/if}}'src/migrate.ts'], {
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
  const child = spawn(process.execPath, [{{#if sourceCondition}}'--conditions=@shipshape/source', {{/if}}'src/server.ts'], {
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
  const collector = await startOtlpReceiver({ silent: true })
  let service: ServiceProcess | undefined
  try {
    service = await startServiceProcess({
      serviceDir: new URL('..', import.meta.url),
      nodeArgs: [{{#if sourceCondition}}'--conditions=@shipshape/source', {{/if}}'--import', '@shipshape/telemetry/register'],
      env: {
        DATABASE_URL: UNREACHABLE,
        LOG_LEVEL: 'info',
        SHUTDOWN_GRACE_MS: '2000',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      },
    })
    // A traced request: its spans wait in the batch for the collector.
    expect((await fetch(`${service.baseUrl}/auth/me`)).status).toBe(401)
    expect(await service.stop('SIGTERM')).toBe(0)
    const lines = service.output().split('\n')
    expect(lines.some((line) => line.includes('"shutdown complete"'))).toBe(true)
    expect(lines.some((line) => line.includes('grace period'))).toBe(false)
    const warning = lines.find((line) => line.includes('spans not yet sent were dropped'))
    expect(JSON.parse(warning ?? '{}')).toMatchObject({ level: 'warn', name: '@shipshape/telemetry' })
  } finally {
    if (service?.child.exitCode === null) service.child.kill('SIGKILL')
    await collector.close()
  }
})
