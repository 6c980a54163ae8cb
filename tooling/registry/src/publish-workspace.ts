import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { assertLoopback } from './_loopback.ts'
import { run, tail } from './_run.ts'
import { RegistryError } from './errors.ts'
import type { Registry } from './start-registry.ts'

export interface PublishWorkspaceOptions {
  /** The root of the pnpm workspace to publish. */
  root: string
  /** pnpm `--filter` selectors; default: every package of the workspace. */
  filter?: readonly string[]
}

interface WorkspacePackage {
  name: string
  version: string
  path: string
  private: boolean
}

/**
 * Publishes every non-private package of the workspace at `root` to the loopback registry with
 * `pnpm -r publish` (which rewrites `workspace:` and `catalog:` specifiers), and returns `name@version` of
 * each package published. Refuses to run if anything would send a package to another registry.
 */
export async function publishWorkspace(
  registry: Pick<Registry, 'url' | 'npmrc' | 'env'>,
  options: PublishWorkspaceOptions,
): Promise<string[]> {
  assertLoopback(registry.url)
  const env = { ...withoutRegistrySettings(process.env), ...registry.env }
  const selectors = (options.filter ?? []).flatMap((selector) => ['--filter', selector])
  const pnpm = (args: string[]) => run('pnpm', [...args, ...selectors], { cwd: options.root, env })

  const listed = await pnpm(['ls', '--recursive', '--json', '--depth=-1'])
  if (listed.code !== 0) throw publishFailed('pnpm ls', listed.stderr)
  const packages = (JSON.parse(listed.stdout) as WorkspacePackage[]).filter((pkg) => !pkg.private)
  await assertEveryTargetIsLoopback(packages, (key) => pnpm(['config', 'get', key]))

  const args = ['publish', '--recursive', '--no-git-checks', '--json', '--registry', registry.url]
  const published = await pnpm([...args, '--npmrc-auth-file', registry.npmrc])
  if (published.code !== 0) throw publishFailed('pnpm publish', `${published.stdout}\n${published.stderr}`)
  const summary = published.stdout.trim() === '' ? [] : JSON.parse(published.stdout)
  return ([] as { name: string; version: string }[])
    .concat(summary)
    .map(({ name, version }) => `${name}@${version}`)
}

/**
 * A package's `publishConfig.registry` and a scope's `@scope:registry` setting both outrank `--registry`;
 * either pointing away from loopback would publish a package for real.
 */
async function assertEveryTargetIsLoopback(
  packages: WorkspacePackage[],
  getConfig: (key: string) => Promise<{ stdout: string }>,
): Promise<void> {
  const scopes = new Set<string>()
  for (const pkg of packages) {
    const manifest = JSON.parse(await readFile(join(pkg.path, 'package.json'), 'utf8'))
    const own = manifest.publishConfig?.registry
    if (typeof own === 'string') assertLoopback(own)
    if (pkg.name.startsWith('@')) scopes.add(pkg.name.split('/')[0] as string)
  }
  for (const scope of scopes) {
    const value = (await getConfig(`${scope}:registry`)).stdout.trim()
    if (value !== '' && value !== 'undefined') assertLoopback(value)
  }
}

/** Drops inherited npm/pnpm settings (a registry or a token in the environment), so only ours apply. */
function withoutRegistrySettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^(npm|pnpm)_config_/i.test(key)))
}

function publishFailed(step: string, output: string): RegistryError {
  return new RegistryError('SHIPSHAPE_REGISTRY_PUBLISH_FAILED', `${step} failed:\n${tail(output)}`)
}
