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
    expect(dockerfile).toMatch(/^HEALTHCHECK /m)
    expect(dockerfile).toMatch(/deploy --legacy --prod/)
  })
})

/** The Dockerfile as instructions: continuation lines joined, comments dropped, split into stages. */
function readStages(text: string): { keyword: string; args: string }[][] {
  const lines = text.replaceAll(/\\\n/g, ' ').split('\n')
  const instructions = lines
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/)
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') }
    })
  const stages: { keyword: string; args: string }[][] = []
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push([])
    stages.at(-1)?.push(instruction)
  }
  return stages
}

describe('the service Dockerfile (read statically: no Docker engine in the test run)', () => {
  const stages = readStages(readFileSync(join(template.dir, 'Dockerfile'), 'utf8'))
  const [build = [], runtime = []] = stages
  const indexOf = (stage: typeof build, test: (i: { keyword: string; args: string }) => boolean) =>
    stage.findIndex(test)

  it('fetches dependencies from the lockfile alone before any source is copied', () => {
    const fetch = indexOf(build, (i) => i.keyword === 'RUN' && /\bpnpm fetch\b/.test(i.args))
    const copies = build.filter((i) => i.keyword === 'COPY')
    const firstCopy = indexOf(build, (i) => i.keyword === 'COPY')
    expect(fetch).toBeGreaterThan(firstCopy)
    expect(copies[0]?.args).toBe('pnpm-lock.yaml pnpm-workspace.yaml ./')
    const sources = indexOf(build, (i) => i.keyword === 'COPY' && i.args === '. .')
    expect(sources).toBeGreaterThan(fetch)
  })

  it('installs offline from the frozen lockfile, only after the fetch', () => {
    const installs = build.filter((i) => i.keyword === 'RUN' && /\bpnpm install\b/.test(i.args))
    expect(installs.length).toBeGreaterThan(0)
    for (const install of installs) {
      expect(install.args).toContain('--frozen-lockfile')
      expect(install.args).toContain('--offline')
    }
    const fetch = indexOf(build, (i) => /\bpnpm fetch\b/.test(i.args))
    expect(indexOf(build, (i) => /\bpnpm install\b/.test(i.args))).toBeGreaterThan(fetch)
  })

  it('runs as a numeric non-root user, and the app files it runs belong to root', () => {
    const users = runtime.filter((i) => i.keyword === 'USER')
    expect(users).toHaveLength(1)
    expect(users[0]?.args).toMatch(/^[1-9]\d*(?::[1-9]\d*)?$/)
    const copies = runtime.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
    expect(copies.length).toBeGreaterThan(0)
    for (const copy of copies) expect(copy.args).not.toMatch(/--chown|--chmod/)
    // The user comes after every COPY: nothing is written as the runtime user.
    expect(runtime.indexOf(users[0] as (typeof runtime)[number])).toBeGreaterThan(
      runtime.lastIndexOf(copies.at(-1) as (typeof runtime)[number]),
    )
  })

  it("ships Node's compile cache, made with the CMD's own arguments as its USER, where NODE_COMPILE_CACHE names it", () => {
    const cmd = runtime.find((i) => i.keyword === 'CMD')
    const [node, ...cmdArgs] = JSON.parse(cmd?.args ?? '[]') as string[]
    expect(node).toBe('node')
    const making = build.find((i) => i.keyword === 'RUN' && i.args.includes('shipshape-compile-cache'))
    const [, madeWith = ''] = making?.args.split(' -- ') ?? []
    expect(madeWith.split(/\s+/)).toEqual(cmdArgs)
    expect(making?.args).toContain('--dir /deploy')
    // Node keeps a cache per user id: it is made as the user the image runs as.
    const user = runtime.find((i) => i.keyword === 'USER')?.args
    expect(making?.args).toContain(`--user ${user} --`)
    // After the deploy it caches, and before the runtime stage copies it.
    expect(build.indexOf(making as (typeof build)[number])).toBeGreaterThan(
      indexOf(build, (i) => /\bdeploy --legacy --prod \/deploy\b/.test(i.args)),
    )
    expect(runtime).toContainEqual({
      keyword: 'COPY',
      args: '--from=build /deploy/.node-compile-cache ./.node-compile-cache',
    })
    const env = runtime
      .filter((i) => i.keyword === 'ENV')
      .flatMap((i) => i.args.split(/\s+/))
      .map((pair) => pair.split('='))
    expect(env).toContainEqual(['NODE_COMPILE_CACHE', '/app/.node-compile-cache'])
    expect(env).toContainEqual(['NODE_COMPILE_CACHE_PORTABLE', '1'])
    expect(runtime).toContainEqual({ keyword: 'WORKDIR', args: '/app' })
  })

  it("tunes V8's young generation in the CMD, and `pnpm start` starts Node with the CMD's arguments", () => {
    const cmd = runtime.find((i) => i.keyword === 'CMD')
    const [, ...cmdArgs] = JSON.parse(cmd?.args ?? '[]') as string[]
    // bench/README.md: Node 24 grew it to 64 MiB and kept the pages; pretenuring moved the request path's
    // objects to the old generation for good after a sign-up (young-generation.test.ts there).
    expect(cmdArgs).toContain('--max-semi-space-size=16')
    expect(cmdArgs).toContain('--no-allocation-site-pretenuring')
    const manifest = JSON.parse(readFileSync(join(template.dir, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
    }
    const [node, ...startArgs] = (manifest.scripts.start ?? '').split(/\s+/)
    expect(node).toBe('node')
    expect(startArgs.filter((arg) => !arg.startsWith('--env-file'))).toEqual(cmdArgs)
  })

  it('stops on SIGTERM and says how long the drain needs: longer than SHUTDOWN_GRACE_MS', () => {
    expect(runtime).toContainEqual({ keyword: 'STOPSIGNAL', args: 'SIGTERM' })
    const text = readFileSync(join(template.dir, 'Dockerfile'), 'utf8')
    const stopSeconds = Number(text.match(/docker stop -t (\d+)/)?.[1])
    const composeSeconds = readFileSync(join(template.dir, 'docker-compose.yml'), 'utf8').match(
      /stop_grace_period: (\d+)s/,
    )?.[1]
    // The schema's default, as .env.example renders it (a service test keeps that file equal to the schema).
    const envExample = readFileSync(join(template.dir, '.env.example'), 'utf8')
    const graceMs = Number(envExample.match(/^SHUTDOWN_GRACE_MS=(\d+)$/m)?.[1])
    expect(graceMs).toBeGreaterThan(0)
    expect(stopSeconds * 1000).toBeGreaterThan(graceMs)
    expect(Number(composeSeconds) * 1000).toBeGreaterThan(graceMs)
  })

  it('has an ignore file beside it, and the workspace roots have one with the same rules', () => {
    const rules = (file: string) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    const beside = rules(join(template.dir, 'Dockerfile.dockerignore'))
    expect(beside).toContain('**/node_modules')
    expect(beside).toContain('**/.env')
    expect(rules(join(repoRoot, '.dockerignore'))).toEqual(beside)
    const workspaceTemplate = join(repoRoot, 'packages/create-shipshape/template/.dockerignore')
    expect(rules(workspaceTemplate)).toEqual(beside)
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
