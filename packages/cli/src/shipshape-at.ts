import { spawn } from 'node:child_process'

/**
 * Runs a shipshape command with the CLI of a given release: the one installed in the workspace when that is
 * the release, else a temporary copy fetched with `pnpm dlx`. Templates travel with the CLI, so a regen
 * against a release must be run by that release's CLI. Output goes straight to the terminal.
 */
export function runShipshapeAt(
  root: string,
  version: string,
  installed: string | undefined,
  args: string[],
): Promise<number> {
  const command =
    version === installed ? ['exec', 'shipshape', ...args] : ['dlx', `@shipshape/cli@${version}`, ...args]
  return new Promise((resolve, reject) => {
    const child = spawn('pnpm', command, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
    child.on('error', reject)
    child.on('exit', (code) => resolve(code ?? 1))
  })
}

/** The newest release on the registry the workspace installs from. */
export function getLatestVersion(root: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('pnpm', ['view', '@shipshape/cli', 'version'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.on('error', reject)
    child.on('exit', (code) => {
      const version = output.trim()
      if (code === 0 && /^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) resolve(version)
      else
        reject(
          new Error(
            `could not read the latest @shipshape/cli version from the registry (pnpm view: exit ${code})`,
          ),
        )
    })
  })
}
