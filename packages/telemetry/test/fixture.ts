import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import { fileURLToPath } from 'node:url'

export interface CollectedRequest {
  path: string
  contentType: string | undefined
  body: string
}

export interface Collector {
  url: string
  requests: CollectedRequest[]
  close(): Promise<void>
}

/** A stand-in OTLP/HTTP collector on 127.0.0.1 that records every request and answers 200. */
export async function startCollector(): Promise<Collector> {
  const requests: CollectedRequest[] = []
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      requests.push({ path: request.url ?? '', contentType: request.headers['content-type'], body })
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

export interface FixtureApp {
  baseUrl: string
  /** Whether the preload installed its request spans; undefined for a fixture that does not say. */
  instrumented: boolean | undefined
  stderr: () => string
  /** Sends SIGTERM and resolves with the exit code once the app has flushed and exited. */
  stop(): Promise<number | null>
}

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url))
const NET_SPY = fileURLToPath(new URL('./net-spy.mjs', import.meta.url))

function getCleanEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('OTEL_')) env[key] = value
  }
  return env
}

interface ReadyLine {
  port: number
  instrumented?: boolean
}

async function readReadyLine(child: ChildProcess, stderr: () => string): Promise<ReadyLine> {
  let stdout = ''
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
      const line = stdout.split('\n').find((each) => each.startsWith('{'))
      if (line !== undefined) resolve(JSON.parse(line) as ReadyLine)
    })
    child.once('exit', (code) =>
      reject(new Error(`fixture exited with ${code} before listening: ${stderr()}`)),
    )
  })
}

/**
 * Runs the fixture the way a service runs: `node --import @shipshape/telemetry/register app.mjs`, with the
 * source condition so the test needs no build. OTEL_* from the outer environment never leak in.
 */
export async function startFixtureApp(
  env: Record<string, string>,
  app = 'fixture-app.mjs',
): Promise<FixtureApp> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@shipshape/source',
      '--import',
      NET_SPY,
      '--import',
      '@shipshape/telemetry/register',
      fileURLToPath(new URL(app, import.meta.url)),
    ],
    { cwd: PACKAGE_DIR, env: { ...getCleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8')
  })
  const exited = once(child, 'exit') as Promise<[number | null]>
  const ready = await readReadyLine(child, () => stderr)
  return {
    baseUrl: `http://127.0.0.1:${ready.port}`,
    instrumented: ready.instrumented,
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGTERM')
      const [code] = await exited
      return code
    },
  }
}
