import { execFileSync } from 'node:child_process'
import { homedir } from 'node:os'
import { delimiter, join } from 'node:path'
import type { Pins } from './pins.ts'
import { runStep } from './run-step.ts'

export type Toolchain = {
  /** The environment in which `node` and `pnpm` are the pinned versions. */
  env: NodeJS.ProcessEnv
  /** False when the person's own PATH already has both: then nothing needs sourcing afterwards. */
  installed: boolean
}

/**
 * Gets the pinned Node and pnpm the way the workspace's `tooling/scripts/bootstrap.sh` does, into the same
 * folder, so the script then finds them in place: from the npm registry (the `node` package carries the
 * official binary), with whatever npm the person has.
 */
export async function ensureToolchain(pins: Pins, processEnv: NodeJS.ProcessEnv): Promise<Toolchain> {
  const env = withNpmRegistry(processEnv)
  if (process.version === `v${pins.nodeVersion}` && versionOf('pnpm', env) === pins.pnpmVersion) {
    return { env, installed: false }
  }
  const tools =
    env.SHIPSHAPE_TOOLS || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'shipshape', 'tools')
  const nodeDir = join(tools, `node-${pins.nodeVersion}`)
  const pnpmDir = join(tools, `pnpm-${pins.pnpmVersion}`)
  await ensurePackage(`node@${pins.nodeVersion}`, nodeDir, `v${pins.nodeVersion}`, 'node', env)
  await ensurePackage(`pnpm@${pins.pnpmVersion}`, pnpmDir, pins.pnpmVersion, 'pnpm', env)
  const path = [join(nodeDir, 'bin'), join(pnpmDir, 'bin'), env.PATH ?? ''].join(delimiter)
  return { env: { ...env, PATH: path }, installed: true }
}

async function ensurePackage(
  spec: string,
  prefix: string,
  version: string,
  bin: string,
  env: NodeJS.ProcessEnv,
) {
  if (versionOf(join(prefix, 'bin', bin), env) === version) return
  console.log(`Installing ${spec.replace('@', ' ')} into ${prefix} (once; later runs reuse it)`)
  await runStep(
    `Installing ${spec} with npm`,
    'npm',
    ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', spec],
    { cwd: homedir(), env, quiet: true },
  )
}

/**
 * pnpm reads `pnpm_config_*` variables, not npm's: the registry `npm create` was pointed at through the
 * environment is handed on, so both clients install from the same place.
 */
function withNpmRegistry(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const registry = env.npm_config_registry ?? env.NPM_CONFIG_REGISTRY
  if (registry === undefined || env.pnpm_config_registry !== undefined) return env
  return { ...env, pnpm_config_registry: registry }
}

function versionOf(command: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    return execFileSync(command, ['--version'], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return undefined
  }
}
