import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface BinRun {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs one of the package's bins from its source (`src/<file>`) in `cwd`, as a user's shell would, and
 * returns its exit code and output; `node` is the binary to run it with (default this one).
 */
export function runBin(file: string, args: string[], cwd: string, node = process.execPath): BinRun {
  const bin = fileURLToPath(new URL(`../src/${file}`, import.meta.url))
  try {
    const stdout = execFileSync(node, ['--conditions=@shipshape/source', bin, ...args], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    return { code: 0, stdout, stderr: '' }
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string }
    return { code: failed.status, stdout: failed.stdout, stderr: failed.stderr }
  }
}
