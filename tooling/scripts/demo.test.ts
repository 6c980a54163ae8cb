import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { addService, createScriptWorkspace, run, runBash } from './test/workspace.ts'

it("--clean removes apps/demo and its lockfile importer, and keeps another service's", () => {
  const workspace = createScriptWorkspace()
  // The lockfile as a clone has it; services made since add their importers without a commit.
  run(workspace, 'git', ['init', '--quiet'])
  run(workspace, 'git', ['add', '.'])
  run(workspace, 'git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'clone'])
  // Services with dependencies, as generated ones have: the lockfile must hold their importers.
  addService(workspace, 'shared')
  addService(workspace, 'billing', { dependencies: { shared: 'workspace:*' } })
  addService(workspace, 'demo', { dependencies: { shared: 'workspace:*' } })
  run(workspace, 'pnpm', ['install', '--offline', '--reporter=silent'])

  const result = runBash(workspace, 'bash tooling/scripts/demo.sh --clean')

  expect(result, result.stderr).toMatchObject({ status: 0 })
  const lockfile = readFileSync(join(workspace, 'pnpm-lock.yaml'), 'utf8')
  expect({ billing: lockfile.includes('apps/billing:'), demo: lockfile.includes('apps/demo:') }).toEqual({
    billing: true,
    demo: false,
  })
  expect(existsSync(join(workspace, 'apps/demo'))).toBe(false)
  expect(() => run(workspace, 'pnpm', ['install', '--offline', '--frozen-lockfile'])).not.toThrow()
})

it('stops on SIGINT when a script started it in the background', async () => {
  const workspace = createScriptWorkspace()
  addService(workspace, 'demo', {
    devSource: `for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {
      console.log('service stopped by ' + signal)
      process.exit(0)
    })
    console.log('service ready')
    setInterval(() => {}, 1000)`,
  })
  run(workspace, 'pnpm', ['install', '--offline', '--reporter=silent'])
  // A non-interactive shell starts its background jobs with SIGINT ignored: the case to survive.
  const wrapper = spawn(
    'bash',
    ['-c', 'bash tooling/scripts/demo.sh & echo "pid $!"; wait $!; echo "demo exited"'],
    {
      cwd: workspace,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  )
  let output = ''
  const closed = new Promise<void>((resolve) => wrapper.once('close', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo never became ready: ${output}`)), 30_000)
    wrapper.stdout.on('data', (chunk) => {
      output += chunk
      if (output.includes('service ready')) {
        clearTimeout(timer)
        resolve()
      }
    })
  })
  process.kill(Number(/pid (\d+)/.exec(output)?.[1]), 'SIGINT')
  const stopped = await Promise.race([closed.then(() => true), sleep(10_000).then(() => false)])
  // Whatever is left (all of it when SIGINT was ignored) goes with the wrapper's process group.
  if (!stopped && wrapper.pid !== undefined) process.kill(-wrapper.pid, 'SIGKILL')
  expect({ stopped, output }).toMatchObject({
    stopped: true,
    output: expect.stringMatching(/service stopped by SIG[A-Z]+\n(.*\n)*demo exited/),
  })
}, 60_000)

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
