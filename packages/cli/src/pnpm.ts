import { spawn } from 'node:child_process'

export type PnpmRun = {
  /** pnpm's exit code, or undefined when a signal ended it. */
  code: number | undefined
  /** How it ended, in words for a message: `exit 1`, `stopped by SIGINT`, `pnpm is not on PATH`. */
  outcome: string
  /** Its standard output, when asked to keep it; else that went to the terminal. */
  stdout: string
}

/** Runs pnpm in `root`, its output on the terminal (or stdout kept, with `capture`). Never rejects. */
export function runPnpm(root: string, args: string[], options: { capture?: boolean } = {}): Promise<PnpmRun> {
  return new Promise((resolve) => {
    const child = spawn('pnpm', args, {
      cwd: root,
      stdio: ['ignore', options.capture ? 'pipe' : 'inherit', options.capture ? 'ignore' : 'inherit'],
    })
    let stdout = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.on('error', (error: NodeJS.ErrnoException) => {
      const outcome = error.code === 'ENOENT' ? 'pnpm is not on PATH' : error.message
      resolve({ code: undefined, outcome, stdout })
    })
    child.on('exit', (code, signal) => {
      const outcome = signal ? `stopped by ${signal}` : `exit ${code}`
      resolve({ code: code ?? undefined, outcome, stdout })
    })
  })
}
