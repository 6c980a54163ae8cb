import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { getFreePort } from '@shipshape/testing'

const serviceDir = fileURLToPath(new URL('..', import.meta.url))
const memoryProbe = new URL('./memory-probe.ts', import.meta.url).href

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

/** Starts `src/server.ts` in development mode with quiet logs and no rate limit, plus `env`. */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await getFreePort()
  const args = ['--conditions=@shipshape/source', '--expose-gc', '--import', memoryProbe, 'src/server.ts']
  const child = spawn(process.execPath, args, {
    cwd: serviceDir,
    env: {
      PATH: process.env.PATH,
      APP_ENV: 'development',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_MAX: '0',
      PORT: String(port),
      ...env,
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
