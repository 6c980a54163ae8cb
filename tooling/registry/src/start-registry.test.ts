import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { access, readdir, readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTempDir, runSystemNpm, writePackage } from '../test/fixtures.ts'
import { type Registry, startRegistry } from './start-registry.ts'

const startBound = 180_000 // a cold machine installs Verdaccio first

/**
 * The requests Verdaccio sent upstream, read from its JSON log: incoming requests have a path, outgoing
 * ones a URL. Lines that are not JSON are Node's warnings on the same stream.
 */
async function getUpstreamRequests(registry: Registry): Promise<string[]> {
  const lines = (await readFile(registry.logFile, 'utf8')).split('\n').filter((line) => line.startsWith('{'))
  return lines
    .map((line) => (JSON.parse(line) as { request?: { url?: string } }).request?.url ?? '')
    .filter((url) => /^https?:/.test(url))
}

async function isPortOpen(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    () => true,
    () => false,
  )
}

describe('startRegistry: failures', () => {
  it(
    'fails with the log tail and leaves nothing behind when Verdaccio does not answer in time',
    async () => {
      const parent = await createTempDir('registry-parent')
      try {
        const started = startRegistry({ dir: parent.path, startTimeoutMs: 1 })
        await expect(started).rejects.toMatchObject({ code: 'SHIPSHAPE_REGISTRY_START_FAILED' })
        await expect(started).rejects.toThrow(/did not answer on http:\/\/127\.0\.0\.1:\d+\/ within 1 ms/)
        expect(await readdir(parent.path)).toEqual([])
      } finally {
        await parent.remove()
      }
    },
    startBound,
  )

  it(
    'does not outlive a process that is killed without stopping it',
    async () => {
      // A SIGKILL leaves the registry's folder behind (nothing runs to remove it): it goes in ours.
      const parent = await createTempDir('registry-parent')
      const script = `const { startRegistry } = await import(${JSON.stringify(new URL('./start-registry.ts', import.meta.url).href)})
const registry = await startRegistry({ dir: ${JSON.stringify(parent.path)} })
console.log(registry.url)
setInterval(() => {}, 1000)`
      const owner = spawn(
        process.execPath,
        ['--conditions=@shipshape/source', '--input-type=module', '--eval', script],
        { stdio: 'pipe' },
      )
      const [chunk] = (await once(owner.stdout, 'data')) as [Buffer]
      const url = chunk.toString().trim()
      expect(await isPortOpen(url)).toBe(true)
      owner.kill('SIGKILL')
      const deadline = Date.now() + 10_000
      while ((await isPortOpen(url)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      expect(await isPortOpen(url)).toBe(false)
      await parent.remove()
    },
    startBound,
  )
})

describe('startRegistry', () => {
  let registry: Registry
  const temp: { remove(): Promise<void> }[] = []
  const tempDir = async (prefix: string) => {
    const dir = await createTempDir(prefix)
    temp.push(dir)
    return dir.path
  }

  beforeAll(async () => {
    registry = await startRegistry()
  }, startBound)

  afterAll(async () => {
    await registry?.stop()
    await Promise.all(temp.map((dir) => dir.remove()))
  })

  it('takes a publish, and Node 20 npm with an empty cache installs it from there', async () => {
    const source = await tempDir('smoke-source')
    await writePackage(
      source,
      { name: '@shipshape/registry-smoke', version: '1.0.0', main: 'index.js' },
      {
        'index.js': 'module.exports = "from the loopback registry"\n',
      },
    )
    const env = { ...process.env, ...registry.env }
    const published = await runSystemNpm(['publish'], { cwd: source, env })
    expect(published.stderr).not.toMatch(/ERR!/)
    expect(published.code).toBe(0)

    const consumer = await tempDir('smoke-consumer')
    await writePackage(consumer, { name: 'consumer', version: '0.0.0', private: true })
    const installEnv = { ...env, npm_config_cache: await tempDir('npm-cache') }
    const installed = await runSystemNpm(
      ['install', '--no-audit', '--no-fund', '@shipshape/registry-smoke@1.0.0'],
      {
        cwd: consumer,
        env: installEnv,
      },
    )
    expect(installed.code, installed.stderr).toBe(0)
    const main = await readFile(join(consumer, 'node_modules/@shipshape/registry-smoke/index.js'), 'utf8')
    expect(main).toContain('from the loopback registry')
  })

  it('proxies a package nobody published here', async () => {
    const consumer = await tempDir('proxy-consumer')
    await writePackage(consumer, { name: 'consumer', version: '0.0.0', private: true })
    const env = { ...process.env, ...registry.env, npm_config_cache: await tempDir('npm-cache') }
    const installed = await runSystemNpm(['install', '--no-audit', '--no-fund', 'is-number@7.0.0'], {
      cwd: consumer,
      env,
    })
    expect(installed.code, installed.stderr).toBe(0)
    const manifest = JSON.parse(await readFile(join(consumer, 'node_modules/is-number/package.json'), 'utf8'))
    expect(manifest.version).toBe('7.0.0')
    expect((await getUpstreamRequests(registry)).some((url) => url.endsWith('/is-number'))).toBe(true)
  })

  it('answers 404 for an unpublished @shipshape package without asking upstream', async () => {
    const response = await fetch(new URL('@shipshape%2fdoes-not-exist', registry.url))
    expect(response.status).toBe(404)
    expect((await getUpstreamRequests(registry)).filter((url) => url.includes('does-not-exist'))).toEqual([])
  })
})

describe('startRegistry with an upstream that has our names', () => {
  let upstream: Server
  let upstreamUrl: string
  const asked: string[] = []

  beforeAll(async () => {
    // Answers every name, as a squatter on the public registry would for ours.
    upstream = createServer((request, response) => {
      const name = decodeURIComponent((request.url ?? '/').slice(1))
      asked.push(name)
      const version = { name, version: '6.6.6', dist: { tarball: `${upstreamUrl}${name}/-/x-6.6.6.tgz` } }
      response.setHeader('content-type', 'application/json')
      response.end(JSON.stringify({ name, 'dist-tags': { latest: '6.6.6' }, versions: { '6.6.6': version } }))
    })
    upstream.listen(0, '127.0.0.1')
    await once(upstream, 'listening')
    const address = upstream.address()
    upstreamUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`
  })

  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())))

  it(
    'never serves the upstream copy of a local name, and proxies the rest to it',
    async () => {
      const registry = await startRegistry({ uplink: upstreamUrl })
      try {
        const proxied = await fetch(new URL('some-public-package', registry.url))
        expect(proxied.status).toBe(200)
        for (const name of ['@shipshape%2fcli', 'create-shipshape']) {
          expect((await fetch(new URL(name, registry.url))).status).toBe(404)
        }
        expect(asked).toEqual(['some-public-package'])
      } finally {
        await registry.stop()
      }
    },
    startBound,
  )
})

describe('Registry.stop', () => {
  it(
    'closes the port and removes the registry folder, and may be called twice',
    async () => {
      const registry = await startRegistry()
      expect(await isPortOpen(registry.url)).toBe(true)
      await registry.stop()
      await registry.stop()
      expect(await isPortOpen(registry.url)).toBe(false)
      await expect(access(registry.npmrc)).rejects.toMatchObject({ code: 'ENOENT' })
    },
    startBound,
  )
})
