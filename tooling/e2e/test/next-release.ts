import { execFileSync } from 'node:child_process'
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Registry } from '@shipshape/registry'

const dependencyFields = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']

/**
 * Publishes the release after `published` (name@version each) to the loopback registry: the same tarballs
 * with the next patch version, their dependencies on each other moved with them, and `change` applied to
 * the CLI's copy of the templates. This is what a team sees when shipshape ships a template fix.
 */
export function publishNextRelease(
  registry: Registry,
  published: string[],
  change: { file: string; append: string },
): string {
  const work = mkdtempSync(join(tmpdir(), 'shipshape-e2e-release-'))
  const npm = (args: string[], cwd: string) =>
    execFileSync('npm', [...args, '--registry', registry.url, '--userconfig', registry.npmrc], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  const current = published[0]?.split('@').at(-1) ?? ''
  const [major, minor, patch] = current.split('.').map(Number)
  const next = `${major}.${minor}.${(patch ?? 0) + 1}`
  try {
    for (const spec of published) {
      const name = spec.slice(0, spec.lastIndexOf('@'))
      const dir = mkdtempSync(join(work, 'pkg-'))
      const tarball = npm(['pack', spec, '--silent'], dir).trim().split('\n').at(-1) ?? ''
      execFileSync('tar', ['xzf', tarball], { cwd: dir })
      const packageDir = join(dir, 'package')
      const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
      manifest.version = next
      for (const field of dependencyFields) {
        for (const [dependency, range] of Object.entries(manifest[field] ?? {})) {
          if (published.includes(`${dependency}@${range}`)) manifest[field][dependency] = next
        }
      }
      writeFileSync(join(packageDir, 'package.json'), JSON.stringify(manifest, null, 2))
      if (name === '@shipshape/cli') appendFileSync(join(packageDir, 'templates', change.file), change.append)
      npm(['publish', packageDir, '--ignore-scripts', '--access', 'public'], dir)
    }
    return next
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
