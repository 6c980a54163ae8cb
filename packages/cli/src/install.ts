import { spawn } from 'node:child_process'

/** Links the new service into the workspace; offline first, since the lockfile usually has every package. */
export function installWorkspace(root: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('pnpm', ['install', '--prefer-offline'], { cwd: root, stdio: 'inherit' })
    child.on('error', () => resolve(false))
    child.on('exit', (code) => resolve(code === 0))
  })
}
