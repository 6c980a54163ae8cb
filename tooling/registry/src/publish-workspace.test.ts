import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTempDir, writePackage } from '../test/fixtures.ts'
import { publishWorkspace } from './publish-workspace.ts'
import { type Registry, startRegistry } from './start-registry.ts'

/** A pnpm workspace of two packages, b depending on a through `workspace:*`. */
async function createWorkspace(publishConfig?: Record<string, string>) {
  const root = await createTempDir('ws')
  await writePackage(root.path, { name: 'fixture-root', version: '0.0.0', private: true })
  await writeFile(join(root.path, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n')
  await writePackage(join(root.path, 'packages/a'), { name: '@shipshape/fixture-a', version: '1.2.3' })
  await writePackage(join(root.path, 'packages/b'), {
    name: '@shipshape/fixture-b',
    version: '0.4.0',
    dependencies: { '@shipshape/fixture-a': 'workspace:*' },
    ...(publishConfig && { publishConfig }),
  })
  await writePackage(join(root.path, 'packages/private'), {
    name: '@shipshape/fixture-private',
    version: '1.0.0',
    private: true,
  })
  return root
}

const notStarted = { url: 'http://127.0.0.1:9/', npmrc: '/nonexistent/.npmrc', env: {} }

describe('publishWorkspace: refusals', () => {
  it('refuses a registry that is not on 127.0.0.1', async () => {
    for (const url of ['https://registry.example/', 'http://localhost:4873/', 'http://127.0.0.1.example/']) {
      await expect(publishWorkspace({ ...notStarted, url }, { root: '/nonexistent' })).rejects.toMatchObject({
        code: 'SHIPSHAPE_REGISTRY_NOT_LOOPBACK',
      })
    }
  })

  it('refuses a workspace whose package would publish elsewhere through publishConfig', async () => {
    const root = await createWorkspace({ registry: 'https://registry.example/' })
    try {
      await expect(publishWorkspace(notStarted, { root: root.path })).rejects.toMatchObject({
        code: 'SHIPSHAPE_REGISTRY_NOT_LOOPBACK',
      })
    } finally {
      await root.remove()
    }
  })

  it('refuses a workspace whose .npmrc sends the scope elsewhere', async () => {
    const root = await createWorkspace()
    await writeFile(join(root.path, '.npmrc'), '@shipshape:registry=https://registry.example/\n')
    try {
      await expect(publishWorkspace(notStarted, { root: root.path })).rejects.toMatchObject({
        code: 'SHIPSHAPE_REGISTRY_NOT_LOOPBACK',
      })
    } finally {
      await root.remove()
    }
  })
})

describe('publishWorkspace', () => {
  let registry: Registry
  let root: { path: string; remove(): Promise<void> }

  beforeAll(async () => {
    registry = await startRegistry()
    root = await createWorkspace()
  }, 180_000)

  afterAll(async () => {
    await registry?.stop()
    await root?.remove()
  })

  it('publishes every public package, with workspace:* replaced by the real version', async () => {
    const published = await publishWorkspace(registry, { root: root.path })
    expect(published.sort()).toEqual(['@shipshape/fixture-a@1.2.3', '@shipshape/fixture-b@0.4.0'])

    const response = await fetch(new URL('@shipshape%2ffixture-b', registry.url))
    const packument = (await response.json()) as { versions: Record<string, { dependencies?: object }> }
    expect(packument.versions['0.4.0']?.dependencies).toEqual({ '@shipshape/fixture-a': '1.2.3' })
    expect((await fetch(new URL('@shipshape%2ffixture-private', registry.url))).status).toBe(404)
  }, 60_000)
})
