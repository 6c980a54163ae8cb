import { spawn } from 'node:child_process'
import { CreateError } from './errors.ts'

export type StepOptions = { cwd: string; env: NodeJS.ProcessEnv; quiet?: boolean }

/**
 * Runs one command of the creation. Its output goes to the person's terminal (pnpm draws its own progress
 * there); a quiet step shows its output only when it fails. A failure is one line naming the step.
 */
export function runStep(
  what: string,
  command: string,
  args: string[],
  options: StepOptions,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', options.quiet ? 'pipe' : 'inherit', 'pipe'],
    })
    let output = ''
    const keep = (chunk: Buffer, stream: NodeJS.WriteStream) => {
      if (!options.quiet) stream.write(chunk)
      output = (output + chunk.toString()).slice(-8000)
    }
    child.stdout?.on('data', (chunk: Buffer) => keep(chunk, process.stdout))
    child.stderr?.on('data', (chunk: Buffer) => keep(chunk, process.stderr))
    child.on('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'ENOENT' ? `${command} is not on PATH` : error.message
      reject(new CreateError('CREATE_FAILED', `${what} failed: ${reason}`))
    })
    child.on('exit', (code, signal) => {
      if (code === 0) return resolve(output)
      if (options.quiet) process.stderr.write(output)
      const how = signal ? `stopped by ${signal}` : `exit ${code}`
      reject(new CreateError('CREATE_FAILED', `${what} failed (${how}${describe(output)})`))
    })
  })
}

const causes: [RegExp, string][] = [
  [/ECONNREFUSED|Connection refused/i, 'the registry refused the connection'],
  [/ENOTFOUND|EAI_AGAIN|dns error|failed to lookup/i, "the registry's host name does not resolve"],
  [/ETIMEDOUT|timed out/i, 'the registry did not answer in time'],
  [/E404|\b404\b/, 'a package is not in the registry'],
]

/** What a registry failure means, in words, so "offline" reads as offline and not as a bug of ours. */
function describe(output: string): string {
  const cause = causes.find(([pattern]) => pattern.test(output))?.[1]
  const code = output.match(/\bERR_PNPM_[A-Z0-9_]+/)?.[0]
  return [cause, code]
    .filter(Boolean)
    .map((part) => `: ${part}`)
    .join('')
}
