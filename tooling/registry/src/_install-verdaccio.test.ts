import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'

const read = async (file: string) =>
  JSON.parse(await readFile(new URL(`../verdaccio/${file}`, import.meta.url), 'utf8'))

describe('the Verdaccio pin', () => {
  it('names exact versions, and the lockfile agrees with it', async () => {
    const manifest = await read('package.json')
    const lock = await read('package-lock.json')
    expect(manifest.dependencies).toEqual({ verdaccio: '6.10.4' })
    expect(lock.packages['node_modules/verdaccio'].version).toBe('6.10.4')
    for (const [name, version] of Object.entries(manifest.overrides as Record<string, string>)) {
      expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(version)
    }
  })

  it('records no registry address: npm ci resolves against whichever registry the machine uses', async () => {
    const lock = await read('package-lock.json')
    const resolved = Object.entries(lock.packages as Record<string, { resolved?: string }>).filter(
      ([, entry]) => entry.resolved !== undefined,
    )
    expect(resolved).toEqual([])
  })
})
