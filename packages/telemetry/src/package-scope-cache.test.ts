import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { ResolveFnOutput, ResolveHookContext } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createPackageScopeCache } from './package-scope-cache.ts'

// node_modules/typed: "type": "module", with a nested "type": "commonjs" directory, as some packages ship.
const root = mkdtempSync(join(tmpdir(), 'scope-cache-'))
const typed = join(root, 'node_modules', 'typed')
mkdirSync(join(typed, 'cjs'), { recursive: true })
mkdirSync(join(root, 'src'))
for (const file of ['a.js', 'b.js', 'c.js', 'cjs/d.js', 'cjs/e.js', '../../src/f.js', '../../src/g.js'])
  writeFileSync(join(typed, file), '')
const url = (path: string) => pathToFileURL(join(typed, path)).href

// Stands in for Node's resolver: records each call; `cjs/` is commonjs, like its nested package.json says.
function createNext() {
  const calls: string[] = []
  const next = (specifier: string, context?: Partial<ResolveHookContext>): ResolveFnOutput => {
    calls.push(specifier)
    const resolved = new URL(specifier, context?.parentURL).href
    return { url: resolved, format: resolved.includes('/cjs/') ? 'commonjs' : 'module' }
  }
  return { calls, next }
}

const context = (parentURL: string): ResolveHookContext => ({
  parentURL,
  conditions: [],
  importAttributes: {},
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('the package-scope cache', () => {
  it('asks Node once per directory, then resolves sibling .js imports there itself as modules', () => {
    const hook = createPackageScopeCache()
    const { calls, next } = createNext()
    expect(hook('./b.js', context(url('a.js')), next)).toEqual({ url: url('b.js'), format: 'module' })
    expect(hook('./c.js', context(url('a.js')), next)).toEqual({
      url: url('c.js'),
      format: 'module',
      shortCircuit: true,
    })
    expect(calls).toEqual(['./b.js'])
  })

  it('leaves to Node a commonjs directory, a missing file, a query, and code outside node_modules', () => {
    const hook = createPackageScopeCache()
    const { calls, next } = createNext()
    hook('./b.js', context(url('a.js')), next)
    expect(hook('./cjs/d.js', context(url('a.js')), next).format).toBe('commonjs')
    expect(hook('./cjs/e.js', context(url('a.js')), next).format).toBe('commonjs')
    hook('./missing.js', context(url('a.js')), next)
    hook('./c.js?v=1', context(url('a.js')), next)
    const app = pathToFileURL(join(root, 'src', 'f.js')).href
    hook('./g.js', context(app), next)
    hook('./g.js', context(app), next)
    expect(calls).toEqual([
      './b.js',
      './cjs/d.js',
      './cjs/e.js',
      './missing.js',
      './c.js?v=1',
      './g.js',
      './g.js',
    ])
  })
})
