import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { createTempWorkspace } from '../test/run-cli.ts'

const packageDir = fileURLToPath(new URL('..', import.meta.url))

it('runs from a packed tarball with npx, outside this repository', () => {
  const packDir = mkdtempSync(join(tmpdir(), 'shipshape-pack-'))
  execFileSync('pnpm', ['pack', '--pack-destination', packDir], { cwd: packageDir, stdio: 'ignore' })
  const tarball = join(packDir, readdirSync(packDir).find((file) => file.endsWith('.tgz')) ?? '')
  const workspace = createTempWorkspace()

  const result = spawnSync(
    'npx',
    [
      '--yes',
      `--package=${tarball}`,
      '--',
      'shipshape',
      'new',
      'service',
      'billing',
      '--port',
      '4100',
      '--no-install',
    ],
    {
      cwd: workspace,
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, npm_config_yes: 'true', npm_config_cache: join(packDir, 'npm-cache') },
    },
  )
  expect(result.stderr).not.toMatch(/shipshape: /)
  expect(result.status).toBe(0)
  expect(result.stdout).toContain('Created apps/billing')
  const manifest = JSON.parse(readFileSync(join(workspace, 'apps/billing/.shipshape/manifest.json'), 'utf8'))
  expect(manifest.answers).toEqual({ name: 'billing', port: 4100, resource: 'items' })
  expect(existsSync(join(workspace, 'apps/billing/src/routes/items.ts'))).toBe(true)
  expect(existsSync(join(workspace, 'apps/billing/.gitignore'))).toBe(true)

  // The bundled doctor, with its parsers installed from the registry (a native binding, WebAssembly). The
  // service was not installed (--no-install), so the workspace has no lockfile yet: that is its one finding.
  const doctor = spawnSync(
    'npx',
    ['--yes', `--package=${tarball}`, '--', 'shipshape', 'doctor', 'apps/billing', '--json'],
    {
      cwd: workspace,
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, npm_config_yes: 'true', npm_config_cache: join(packDir, 'npm-cache') },
    },
  )
  const report = JSON.parse(doctor.stdout) as { findings: { rule: string }[] }
  expect(report.findings.map((finding) => finding.rule)).toEqual(['no-lockfile'])
  expect(doctor.status).toBe(1)
}, 300_000)
