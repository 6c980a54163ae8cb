import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

export type WorkspacePackage = { name: string; path: string; private: boolean }

/** Every package of the workspace, as pnpm sees it (the root included). */
export function listWorkspacePackages(): WorkspacePackage[] {
  const output = execFileSync('pnpm', ['ls', '--recursive', '--depth=-1', '--json'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
  return (JSON.parse(output) as WorkspacePackage[]).map(({ name, path, private: isPrivate }) => ({
    name,
    path,
    private: isPrivate === true,
  }))
}

export type Manifest = {
  name: string
  version: string
  private?: boolean
  description?: string
  license?: string
  repository?: unknown
  engines?: { node?: string }
  files?: string[]
  exports?: unknown
  bin?: string | Record<string, string>
  [field: string]: unknown
}

export type PackedPackage = {
  /** The extracted tarball's `package/` folder. */
  root: string
  /** The tarball itself. */
  tarball: string
  manifest: Manifest
  /** Every file in the tarball, relative to `package/`, with forward slashes. */
  files: string[]
}

/** Packs a package as `pnpm publish` would and extracts the tarball into a temporary folder. */
export function packPackage(packageDir: string): PackedPackage {
  const destination = mkdtempSync(join(tmpdir(), 'shipshape-packed-'))
  execFileSync('pnpm', ['pack', '--pack-destination', destination], { cwd: packageDir, stdio: 'ignore' })
  const tarball = join(destination, readdirSync(destination).find((file) => file.endsWith('.tgz')) ?? '')
  execFileSync('tar', ['-xzf', tarball, '-C', destination])
  const root = join(destination, 'package')
  const files = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort()
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest
  return { root, tarball, manifest, files }
}

/** Every file path an `exports` map points at, under every condition, with the condition path leading to it. */
export function listExportTargets(
  exports: unknown,
  path: string[] = [],
): { path: string[]; target: string }[] {
  if (typeof exports === 'string') return [{ path, target: exports }]
  if (Array.isArray(exports)) return exports.flatMap((entry) => listExportTargets(entry, path))
  if (exports !== null && typeof exports === 'object') {
    return Object.entries(exports).flatMap(([key, value]) => listExportTargets(value, [...path, key]))
  }
  return []
}
