import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { getFreePort } from './free-port.ts'

// Beside this module: memory-probe.ts in the sources, memory-probe.js once compiled.
const memoryProbe = new URL(
  `./memory-probe${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
).href

export type Memory = { rss: number; heapUsed: number }

/** The service as production runs it: a real `node` process on a free port, its output captured. */
export type ServiceProcess = {
  baseUrl: string
  child: ChildProcess
  output(): string
  /** The process's RSS and heap, read inside it. */
  memory(): Promise<Memory>
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

export type ServiceProcessOptions = {
  /** The service folder: the process runs there. */
  serviceDir: URL
  /** The entry point, relative to `serviceDir` (default `src/server.ts`). */
  entry?: string
  /** Options for `node` before the entry (e.g. `--conditions=@shipshape/source` inside the monorepo). */
  nodeArgs?: readonly string[]
  /** Variables on top of development mode, quiet logs, no rate limit and the free port. */
  env?: Readonly<Record<string, string>>
}

async function waitForLiveness(baseUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const started = Date.now()
  for (;;) {
    const response = await fetch(`${baseUrl}/healthz`).catch(() => undefined)
    if (response?.ok) return
    if (child.exitCode !== null || Date.now() - started > 30_000)
      throw new Error(`the service did not start:\n${output()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * Starts the service's entry in development mode with quiet logs and no rate limit, plus `env`, and
 * resolves once `/healthz` answers. Only PATH is passed on from this process's environment.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const port = await getFreePort()
  const args = [
    ...(options.nodeArgs ?? []),
    '--expose-gc',
    '--import',
    memoryProbe,
    options.entry ?? 'src/server.ts',
  ]
  const child = spawn(process.execPath, args, {
    cwd: fileURLToPath(options.serviceDir),
    env: {
      PATH: process.env.PATH,
      APP_ENV: 'development',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_MAX: '0',
      PORT: String(port),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  let output = ''
  const append = (chunk: string) => {
    output += chunk
  }
  child.stdout?.setEncoding('utf8').on('data', append)
  child.stderr?.setEncoding('utf8').on('data', append)
  const exited = once(child, 'exit')
  const baseUrl = `http://127.0.0.1:${port}`
  try {
    await waitForLiveness(baseUrl, child, () => output)
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return {
    baseUrl,
    child,
    output: () => output,
    memory: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve(message as Memory))
        child.send('memory')
      }),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal)
      const [code] = await exited
      return code as number | null
    },
  }
}
