import { runPnpm } from './pnpm.ts'

/**
 * Runs a shipshape command with the CLI of a given release: the one installed in the workspace when that is
 * the release, else a temporary copy fetched with `pnpm dlx`. Templates travel with the CLI, so a regen
 * against a release must be run by that release's CLI. Output goes straight to the terminal.
 */
export async function runShipshapeAt(
  root: string,
  version: string,
  installed: string | undefined,
  args: string[],
): Promise<number> {
  const command =
    version === installed ? ['exec', 'shipshape', ...args] : ['dlx', `@shipshape/cli@${version}`, ...args]
  return (await runPnpm(root, command)).code ?? 1
}

/** The newest release on the registry the workspace installs from. */
export async function getLatestVersion(root: string): Promise<string> {
  const run = await runPnpm(root, ['view', '@shipshape/cli', 'version'], { capture: true })
  const version = run.stdout.trim()
  if (run.code === 0 && /^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) return version
  throw new Error(
    `could not read the latest @shipshape/cli version from the registry (pnpm view: ${run.outcome})`,
  )
}
