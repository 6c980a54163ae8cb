import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))

/**
 * A throwaway pnpm workspace holding copies of this repository's scripts, its pinned Node and pnpm
 * versions and no dependencies, so a test can run a script that installs or rewrites the lockfile without
 * touching the real workspace (which other test files install into at the same time).
 */
export function createScriptWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-scripts-'))
  mkdirSync(join(dir, 'tooling/scripts'), { recursive: true })
  for (const script of ['bootstrap.sh', 'demo.sh', 'services.sh']) {
    copyFileSync(join(repoRoot, 'tooling/scripts', script), join(dir, 'tooling/scripts', script))
  }
  copyFileSync(join(repoRoot, '.node-version'), join(dir, '.node-version'))
  const { packageManager } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))
  writeJson(join(dir, 'package.json'), { name: 'fixture', private: true, packageManager })
  // pmOnFail as in the repository's own pnpm-workspace.yaml: pnpm must not look itself up in the registry.
  writeFileSync(join(dir, 'pnpm-workspace.yaml'), 'packages:\n  - apps/*\npmOnFail: ignore\n')
  run(dir, 'pnpm', ['install', '--offline', '--reporter=silent'])
  return dir
}

/** A service folder with a package.json and, when given, a `dev` script running `devSource` with Node. */
export function addService(
  workspace: string,
  name: string,
  { devSource, dependencies = {} }: { devSource?: string; dependencies?: Record<string, string> } = {},
): void {
  const dir = join(workspace, 'apps', name)
  mkdirSync(dir, { recursive: true })
  const scripts = devSource === undefined ? {} : { dev: 'node dev.mjs' }
  if (devSource !== undefined) writeFileSync(join(dir, 'dev.mjs'), devSource)
  writeJson(join(dir, 'package.json'), { name, version: '0.1.0', private: true, scripts, dependencies })
}

export function run(cwd: string, command: string, args: string[]): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Runs a bash snippet with the workspace as working directory; never throws. */
export function runBash(cwd: string, script: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync('bash', ['-c', script], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)
}
