import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  listExportTargets,
  listWorkspacePackages,
  type PackedPackage,
  packPackage,
  repoRoot,
} from './packed-package.ts'

const workspacePackages = listWorkspacePackages()
const published = workspacePackages.filter((pkg) => !pkg.private)
const ownManifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  devDependencies: Record<string, string>
}

describe('which packages are published', () => {
  it('is every @shipshape package this test depends on, so turbo builds each one before packing it', () => {
    const expected = Object.keys(ownManifest.devDependencies).filter(
      (name) => name.startsWith('@shipshape/') || name === 'create-shipshape',
    )
    expect(published.map((pkg) => pkg.name).sort()).toEqual(expected.sort())
  })

  it('is nothing outside packages/: apps, tooling, the bench and the root stay private', () => {
    const outside = published.filter((pkg) => !relative(repoRoot, pkg.path).startsWith('packages/'))
    expect(outside.map((pkg) => pkg.name)).toEqual([])
  })
})

const specifierFields = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']

describe.each(published.map((pkg) => [pkg.name, pkg.path] as const))('the packed %s', (_name, path) => {
  let packed: PackedPackage
  beforeAll(() => {
    packed = packPackage(path)
  }, 120_000)

  it('is publishable: not private, with a description, an MIT license and Node engines', () => {
    const { manifest } = packed
    expect(manifest.private).toBeUndefined()
    expect(manifest.description).toEqual(expect.any(String))
    expect(manifest.license).toBe('MIT')
    expect(manifest.engines?.node).toEqual(expect.any(String))
    expect(manifest.files).toEqual(expect.any(Array))
  })

  it('publishes every subpath the repository exports (publishConfig.exports cannot fall behind)', () => {
    const source = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { exports?: object }
    expect(Object.keys(packed.manifest.exports ?? {}).sort()).toEqual(
      Object.keys(source.exports ?? {}).sort(),
    )
  })

  it('holds a LICENSE file', () => {
    expect(packed.files).toContain('LICENSE')
  })

  it('resolves every exports target, under every condition, to a file in the tarball', () => {
    const targets = listExportTargets(packed.manifest.exports)
    const missing = targets.filter(({ target }) => !packed.files.includes(target.replace(/^\.\//, '')))
    expect(missing).toEqual([])
  })

  it('has no @shipshape/source condition: its TypeScript sources are not in the tarball', () => {
    const conditions = listExportTargets(packed.manifest.exports).flatMap(({ path }) => path)
    expect(conditions).not.toContain('@shipshape/source')
  })

  it('names real versions: no workspace: or catalog: specifier is left', () => {
    const protocols = specifierFields.flatMap((field) =>
      Object.entries((packed.manifest[field] ?? {}) as Record<string, string>)
        .filter(([, specifier]) => /^(workspace|catalog):/.test(specifier))
        .map(([name, specifier]) => `${field}.${name}: ${specifier}`),
    )
    expect(protocols).toEqual([])
  })

  it('ships compiled JavaScript: no TypeScript source but declarations (templates/ is data, not code)', () => {
    const sources = packed.files.filter(
      (file) => /\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file) && !file.startsWith('templates/'),
    )
    expect(sources).toEqual([])
  })

  it('points each bin at a file in the tarball that starts with a shebang', () => {
    const { bin } = packed.manifest
    const targets = typeof bin === 'string' ? [bin] : Object.values(bin ?? {})
    for (const target of targets) {
      const file = target.replace(/^\.\//, '')
      expect(packed.files).toContain(file)
      expect(readFileSync(join(packed.root, file), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/)
    }
  })
})
