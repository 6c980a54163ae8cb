import { spawn } from 'node:child_process'

/**
 * Links the new service into the workspace; offline first, since the lockfile usually has every package. The
 * lockfile must change (a new importer), so CI's default of a frozen lockfile is lifted for this one install.
 */
export function installWorkspace(root: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('pnpm', ['install', '--prefer-offline', '--no-frozen-lockfile'], {
      cwd: root,
      stdio: 'inherit',
    })
    child.on('error', () => resolve(false))
    child.on('exit', (code) => resolve(code === 0))
  })
}
