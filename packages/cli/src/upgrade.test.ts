import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createTempWorkspace, listTree, runCli } from '../test/run-cli.ts'

// The path of a real upgrade (a newer release from a registry) is proved end to end against a registry on
// loopback (tooling/registry); here: the refusals, --check and --dry-run, and a failed install that
// changes nothing. The workspace's installed CLI is this source tree, linked where pnpm looks for it.
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))
const version = JSON.parse(readFileSync(join(repoRoot, 'packages/cli/package.json'), 'utf8')).version

function createShipshapeWorkspace(): string {
  const dir = createTempWorkspace()
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'platform', private: true, devDependencies: { '@shipshape/cli': 'catalog:' } }),
  )
  writeFileSync(
    join(dir, 'pnpm-workspace.yaml'),
    `packages:\n  - apps/*\ncatalog:\n  "@shipshape/cli": ${version}\n`,
  )
  expect(runCli(['new', 'service', 'billing', '--no-install'], dir).status).toBe(0)
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true })
  const shim = join(dir, 'node_modules/.bin/shipshape')
  const bin = join(repoRoot, 'packages/cli/src/bin.ts')
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" --conditions=@shipshape/source "${bin}" "$@"\n`)
  chmodSync(shim, 0o755)
  git(dir, ['init', '-q'])
  git(dir, ['add', '-A'])
  git(dir, ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'init'])
  return dir
}

/** A workspace whose service was generated from an older template: one line the template has since dropped. */
function createServiceBehindItsTemplate(): string {
  const dir = createShipshapeWorkspace()
  const base = join(dir, 'apps/billing/.shipshape/base/Dockerfile.dockerignore')
  writeFileSync(base, `${readFileSync(base, 'utf8')}old-template-line\n`)
  writeFileSync(join(dir, 'apps/billing/Dockerfile.dockerignore'), readFileSync(base, 'utf8'))
  git(dir, ['commit', '-qam', 'an older template'])
  return dir
}

const git = (cwd: string, args: string[]) => execFileSync('git', args, { cwd, stdio: 'ignore' })

describe('shipshape upgrade refuses, with a distinct exit code, and writes nothing', () => {
  it('in the shipshape repository itself', () => {
    const result = runCli(['upgrade', '--to', version], repoRoot)
    expect(result.status).toBe(23)
    expect(result.stderr).toMatch(/This is the shipshape repository/)
  })

  it('in a workspace that does not take shipshape from its catalog', () => {
    const dir = createTempWorkspace()
    const before = listTree(dir)
    const result = runCli(['upgrade', '--to', '1.0.0'], dir)
    expect(result.status).toBe(23)
    expect(result.stderr).toMatch(/no @shipshape\/\* catalog entry/)
    expect(listTree(dir)).toEqual(before)
  })

  it('a version that is not one', () => {
    const result = runCli(['upgrade', '--to', 'latest!'], createShipshapeWorkspace())
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/--to takes a version/)
  })

  it('uncommitted changes', () => {
    const dir = createShipshapeWorkspace()
    writeFileSync(join(dir, 'apps/billing/notes.txt'), 'wip')
    const result = runCli(['upgrade', '--to', '9.9.9'], dir)
    expect(result.status).toBe(15)
    expect(result.stderr).toMatch(/uncommitted changes \(\?\? apps\/billing\/notes.txt\)/)
    expect(readFileSync(join(dir, 'pnpm-workspace.yaml'), 'utf8')).toContain(`"@shipshape/cli": ${version}`)
  })
})

describe('shipshape upgrade', () => {
  it('--check is 0 when the catalog and every service are current', () => {
    const result = runCli(['upgrade', '--to', version, '--check'], createShipshapeWorkspace())
    expect(result.stdout).toContain(`The catalog is at shipshape ${version}.`)
    expect(result.stdout).toMatch(/apps\/billing is up to date/)
    expect(result.status).toBe(0)
  })

  it('--check is 20 when a service is behind its template, and writes nothing', () => {
    const dir = createServiceBehindItsTemplate()
    const before = listTree(dir)
    const result = runCli(['upgrade', '--to', version, '--check'], dir)
    expect(result.status).toBe(20)
    expect(listTree(dir)).toEqual(before)
  })

  it('--dry-run prints the diff each service would get and writes nothing', () => {
    const dir = createServiceBehindItsTemplate()
    const before = listTree(dir)
    const result = runCli(['upgrade', '--to', version, '--dry-run'], dir)
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^-old-template-line$/m)
    expect(listTree(dir)).toEqual(before)
    expect(readFileSync(join(dir, 'apps/billing/Dockerfile.dockerignore'), 'utf8')).toContain(
      'old-template-line',
    )
  })

  it('without --check regenerates every service with the release it moves to', () => {
    const dir = createServiceBehindItsTemplate()
    const result = runCli(['upgrade', '--to', version], dir)
    expect(result.status).toBe(0)
    expect(readFileSync(join(dir, 'apps/billing/Dockerfile.dockerignore'), 'utf8')).not.toContain(
      'old-template-line',
    )
    expect(result.stdout).toContain(`The workspace is at shipshape ${version}.`)
  })

  it('a failed install puts the catalog and lockfile back and exits 19', () => {
    const dir = createShipshapeWorkspace()
    const before = readFileSync(join(dir, 'pnpm-workspace.yaml'), 'utf8')
    const result = runCli(['upgrade', '--to', '9.9.9'], dir, {
      pnpm_config_registry: 'http://127.0.0.1:9/',
      pnpm_config_fetch_retries: '0',
      pnpm_config_store_dir: join(dir, '.store'),
    })
    expect(result.stderr).toMatch(/pnpm install failed \(exit \d+\): the catalog and lockfile were put back/)
    expect(result.status).toBe(19)
    expect(readFileSync(join(dir, 'pnpm-workspace.yaml'), 'utf8')).toBe(before)
  }, 120_000)
})
