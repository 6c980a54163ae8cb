import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')

/** Every package.json of the workspace's own packages (not templates, fixtures or a service's recorded base). */
function workspaceManifests(): string[] {
  return execFileSync('git', ['ls-files', '*package.json'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file !== '' && !/(^templates\/|\/template\/|\/fixtures\/|\/\.shipshape\/)/.test(file))
}

it('writes no version twice: a dependency of more than one package comes from the catalog', () => {
  const pinnedBy = new Map<string, string[]>()
  const usedBy = new Map<string, number>()
  for (const file of workspaceManifests()) {
    const manifest = JSON.parse(readFileSync(join(root, file), 'utf8')) as Record<string, unknown>
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
      for (const [name, specifier] of Object.entries((manifest[field] ?? {}) as Record<string, string>)) {
        if (specifier.startsWith('workspace:')) continue
        usedBy.set(name, (usedBy.get(name) ?? 0) + 1)
        if (!specifier.startsWith('catalog:')) pinnedBy.set(name, [...(pinnedBy.get(name) ?? []), file])
      }
    }
  }
  const writtenTwice = [...pinnedBy].filter(([name]) => (usedBy.get(name) ?? 0) > 1)
  expect(Object.fromEntries(writtenTwice)).toEqual({})
})
