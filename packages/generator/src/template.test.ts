import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { getComponentOf, getOwnershipOf, loadTemplate } from './template.ts'
import { getCatalogVersion, pinnedVersions, pnpmVersion, requiredBuilds } from './versions.ts'

const template = loadTemplate('service')
const repoRoot = join(template.dir, '..', '..')
const files = readdirSync(template.dir, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => relative(template.dir, join(entry.parentPath, entry.name)))

describe('the service template', () => {
  it.each(files)('%s belongs to exactly one component and has an ownership class', (file) => {
    const rendered = file.replaceAll('{{resource}}', 'bookings').replaceAll('{{dot}}', '.')
    expect(() => getComponentOf(template, rendered)).not.toThrow()
    expect(() => getOwnershipOf(template, rendered)).not.toThrow()
  })

  it('pins every image by a sha256 digest and says where the digest came from', () => {
    for (const image of Object.values(template.images)) {
      expect(image.ref).toMatch(/^[a-z0-9./-]+:[\w.-]+@sha256:[0-9a-f]{64}$/)
      expect(image.source.length).toBeGreaterThan(20)
    }
  })

  it('names images only through the pinned list: no FROM or image: without a digest', () => {
    for (const file of ['Dockerfile', 'docker-compose.yml']) {
      const text = readFileSync(join(template.dir, file), 'utf8')
      const refs = [...text.matchAll(/^\s*(?:FROM|image:)\s+(\S+)/gm)].map((match) => match[1])
      expect(refs.length).toBeGreaterThan(0)
      for (const ref of refs) expect(ref).toMatch(/^\{\{images\.\w+\.ref\}\}$/)
    }
  })

  it('the Dockerfile runs Node from .node-version, as non-root, with a HEALTHCHECK', () => {
    const nodeVersion = readFileSync(join(repoRoot, '.node-version'), 'utf8').trim()
    expect(template.images.node?.ref).toContain(`node:${nodeVersion}-`)
    const dockerfile = readFileSync(join(template.dir, 'Dockerfile'), 'utf8')
    expect(dockerfile).toMatch(/^USER node$/m)
    expect(dockerfile).toMatch(/^HEALTHCHECK /m)
    expect(dockerfile).toMatch(/deploy --legacy --prod/)
  })
})

describe('pinned versions', () => {
  const workspace = parse(readFileSync(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8'))

  it.each(Object.entries(pinnedVersions))('%s equals the workspace catalog', (name, version) => {
    expect(workspace.catalog[name]).toBe(version)
  })

  it('the install scripts a workspace must allow are the ones this workspace allows', () => {
    expect(requiredBuilds).toEqual(workspace.allowBuilds)
  })

  it('every catalog: dependency of the service template has a version to write into a workspace', () => {
    const service = JSON.parse(readFileSync(join(template.dir, 'package.json'), 'utf8'))
    const all = { ...service.dependencies, ...service.devDependencies }
    for (const [name, specifier] of Object.entries(all)) {
      if (specifier === 'catalog:') expect(getCatalogVersion(name), name).toBeDefined()
    }
  })

  it('the Dockerfile pnpm equals the workspace packageManager', () => {
    const rootPackage = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))
    expect(rootPackage.packageManager).toBe(`pnpm@${pnpmVersion}`)
  })
})
