import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../bin/create-shipshape.cjs', import.meta.url))

/** The Node a person is likely to have: the system's, not the workspace's pinned one. */
export const systemNode = process.env.SHIPSHAPE_SYSTEM_NODE ?? '/usr/bin/node'

/** Runs the built create-shipshape as `npm create` would, with no terminal attached. */
export function runCreate(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, node = systemNode) {
  const result = spawnSync(node, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}
