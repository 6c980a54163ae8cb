import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

interface ExportTarget {
  '@shipshape/source': string
  types: string
  default: string
}

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const manifest = JSON.parse(readFileSync(`${packageDir}/package.json`, 'utf8')) as {
  exports: Record<string, ExportTarget | string>
}

describe('package exports', () => {
  it('points every source entry at a file that exists, and its build entries at the matching dist file', () => {
    const targets = Object.entries(manifest.exports).filter(
      (entry): entry is [string, ExportTarget] => typeof entry[1] !== 'string',
    )
    expect(targets.map(([subpath]) => subpath)).toEqual(['.', './register'])
    for (const [, target] of targets) {
      expect(existsSync(`${packageDir}/${target['@shipshape/source']}`)).toBe(true)
      const built = target['@shipshape/source'].replace('./src/', './dist/').replace(/\.ts$/, '.js')
      expect(target.default).toBe(built)
      expect(target.types).toBe(built.replace(/\.js$/, '.d.ts'))
    }
  })
})
