import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { linkNode } from '@shipshape/testing/image'
import { createScratchDatabase, type ScratchDatabase } from '@shipshape/testing/postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runBin } from '../test/run-bin.ts'
import { bundleService } from './bundle-service.ts'
import { CompileCacheError, makeCompileCache } from './compile-cache.ts'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
// Inside the package, so pg and the telemetry package resolve from the bundle as they do from an image's dist/.
const scratchRoot = mkdtempSync(join(packageDir, 'node_modules', '.compile-cache-test-'))
// Readable by the image's user, as /deploy is (mkdtemp makes it 0700).
chmodSync(scratchRoot, 0o755)
// The test task runs before any package is built: every load resolves the workspace's packages to their source.
const SOURCE = '--conditions=@shipshape/source'
// The CMD's arguments.
const PRELOAD = [SOURCE, '--import', '@shipshape/telemetry/register']
let database: ScratchDatabase
let built: string

/** A service directory as `pnpm deploy` leaves it: `dist/server.js`, here the bundled fixture service. */
function serviceDir(name: string): string {
  const dir = join(scratchRoot, name)
  mkdirSync(join(dir, 'dist'), { recursive: true })
  cpSync(built, join(dir, 'dist', 'server.js'))
  return dir
}

beforeAll(async () => {
  database = await createScratchDatabase()
  built = join(scratchRoot, 'built.js')
  await bundleService({ serviceDir: packageDir, entry: 'test/fixture-service.mjs', outfile: built })
})

afterAll(async () => {
  rmSync(scratchRoot, { recursive: true, force: true })
  await database?.drop()
})

/** Starts `dist/server.js` under the preload with the cache, as the image does, and says what Node did with it. */
async function startWithCache(
  dir: string,
  as: { node: string; uid?: number; gid?: number } = { node: process.execPath },
) {
  const child: ChildProcess = spawn(as.node, [...PRELOAD, 'dist/server.js'], {
    cwd: dir,
    uid: as.uid,
    gid: as.gid,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: database.url,
      NODE_COMPILE_CACHE: join(dir, '.node-compile-cache'),
      NODE_COMPILE_CACHE_PORTABLE: '1',
      // Node's own account of each module it looked up in the cache, on stderr.
      NODE_DEBUG_NATIVE: 'COMPILE_CACHE',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const [line] = (await Promise.race([
    once(createInterface({ input: child.stdout as NodeJS.ReadableStream }), 'line'),
    once(child, 'exit').then(() => {
      throw new Error(`the service exited before listening:\n${stderr}`)
    }),
  ])) as [string]
  const { port } = JSON.parse(line) as { port: number }
  const response = await fetch(`http://127.0.0.1:${port}/sum`)
  child.kill('SIGTERM')
  await once(child, 'exit')
  return { status: response.status, body: await response.json(), stderr }
}

describe('makeCompileCache', () => {
  it('caches the entry point and the preload without running the entry point, and the cache moves with the service', async () => {
    const dir = serviceDir('deploy')
    const result = await makeCompileCache({ dir, args: [...PRELOAD, 'dist/server.js'] })

    expect(result.directory).toBe(join(dir, '.node-compile-cache'))
    // The bundle, the preload's modules and pg's: more than the bundle alone.
    expect(result.modules).toBeGreaterThan(10)
    // Readable by the user the image runs as (root owns it there), writable by none but its owner.
    const cache = join(dir, '.node-compile-cache')
    const modes = readdirSync(cache, { recursive: true }).map((path) => statSync(join(cache, String(path))))
    expect(new Set(modes.map((stat) => (stat.mode & 0o777).toString(8)))).toEqual(new Set(['755', '644']))
    // Nothing of the making is left beside the service. Had the entry point run, it would have listened until
    // the timeout and the call would have failed.
    expect(readdirSync(dir).sort()).toEqual(['.node-compile-cache', 'dist'])

    // pnpm deploy's output is made in one place and copied into the image at another.
    const app = join(scratchRoot, 'app')
    cpSync(dir, app, { recursive: true })
    const started = await startWithCache(app)

    expect(started).toMatchObject({ status: 200, body: { sum: 2 } })
    const serverUrl = `file://${join(app, 'dist', 'server.js')}`
    expect(started.stderr).toContain(`V8 code cache for ESM ${serverUrl} was accepted`)
    expect(started.stderr).toMatch(/V8 code cache for ESM file:\/\/\S+\/telemetry\/\S+ was accepted/)
  })

  it('replaces a cache that was there', async () => {
    const dir = serviceDir('stale')
    mkdirSync(join(dir, '.node-compile-cache', 'v0-stale'), { recursive: true })
    writeFileSync(join(dir, '.node-compile-cache', 'v0-stale', 'entry'), 'stale')

    await makeCompileCache({ dir, args: [SOURCE, 'dist/server.js'] })

    expect(existsSync(join(dir, '.node-compile-cache', 'v0-stale'))).toBe(false)
  })

  it('refuses arguments that do not end with a built entry point, writing nothing', async () => {
    const dir = serviceDir('missing')
    await expect(makeCompileCache({ dir, args: ['--no-warnings'] })).rejects.toThrow(
      'the arguments must end with the entry point',
    )
    await expect(makeCompileCache({ dir, args: ['dist/nope.js'] })).rejects.toThrow(
      /dist\/nope\.js does not exist: build the service first/,
    )
    expect(readdirSync(dir)).toEqual(['dist'])
  })

  it('fails with what node said, leaving the cache that was there, when the entry point cannot load', async () => {
    const dir = serviceDir('broken')
    await makeCompileCache({ dir, args: [SOURCE, 'dist/server.js'] })
    const before = readdirSync(join(dir, '.node-compile-cache'), { recursive: true }).sort()
    writeFileSync(join(dir, 'dist', 'server.js'), 'export const = 1\n')

    const making = makeCompileCache({ dir, args: [SOURCE, 'dist/server.js'] })

    await expect(making).rejects.toBeInstanceOf(CompileCacheError)
    await expect(making).rejects.toThrow(/node could not load the entry point \(exit 1\):[\s\S]*SyntaxError/)
    expect(readdirSync(dir).sort()).toEqual(['.node-compile-cache', 'dist'])
    expect(readdirSync(join(dir, '.node-compile-cache'), { recursive: true }).sort()).toEqual(before)
  })

  it('stops a load that does not finish', async () => {
    const dir = serviceDir('hangs')
    // A preload that never lets the process exit: the entry point's graph is never loaded.
    writeFileSync(join(dir, 'hang.mjs'), 'setInterval(() => {}, 1000)\nawait new Promise(() => {})\n')

    const making = makeCompileCache({
      dir,
      args: ['--import', './hang.mjs', 'dist/server.js'],
      timeoutMs: 1000,
    })

    await expect(making).rejects.toThrow(
      'loading the entry point was stopped by SIGTERM (it may take 1000 ms)',
    )
    expect(readdirSync(dir).sort()).toEqual(['dist', 'hang.mjs'])
  })
})

describe('shipshape-compile-cache', () => {
  const run = (args: string[], cwd: string, node?: string) => runBin('compile-cache-cli.ts', args, cwd, node)

  it('makes the cache of the service in --dir and says how many modules it holds', () => {
    const dir = serviceDir('cli')
    const result = run(['--dir', dir, '--', ...PRELOAD, 'dist/server.js'], scratchRoot)
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout).toMatch(/^compile cache cli\/\.node-compile-cache: \d+ modules\n$/)
  })

  // Node keeps a cache per user id: one made as root is not read by the image's USER.
  const isRoot = process.getuid?.() === 0
  it(`makes it as --user, whose start then reads it (${isRoot ? 'as root: made and started as 1000:1000' : 'not root: refused'})`, async () => {
    const dir = serviceDir('cli-user')
    if (!isRoot) {
      const refused = run(['--dir', dir, '--user', '1000:1000', '--', 'dist/server.js'], scratchRoot)
      expect(refused).toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/could not run .* as 1000:1000: EPERM/),
      })
      return
    }
    // A node the image's user can run, as the image's is (this one may be under root's home).
    const bin = mkdtempSync(join(tmpdir(), 'compile-cache-node-'))
    chmodSync(bin, 0o755)
    const node = linkNode(bin)
    try {
      const made = run(
        ['--dir', dir, '--user', '1000:1000', '--', ...PRELOAD, 'dist/server.js'],
        scratchRoot,
        node,
      )
      expect(made).toMatchObject({ code: 0, stderr: '' })
      expect(readdirSync(join(dir, '.node-compile-cache'))).toEqual([expect.stringMatching(/-1000$/)])

      // The image's COPY: root owns the copy and the modes stay as they were.
      const app = join(scratchRoot, 'cli-user-app')
      cpSync(dir, app, { recursive: true })
      const started = await startWithCache(app, { node, uid: 1000, gid: 1000 })
      expect(started).toMatchObject({ status: 200, body: { sum: 2 } })
      expect(started.stderr).toContain(
        `V8 code cache for ESM file://${join(app, 'dist', 'server.js')} was accepted`,
      )
    } finally {
      rmSync(bin, { recursive: true, force: true })
    }
  })

  it('exits 1 with the reason, without a stack', () => {
    const dir = serviceDir('cli-missing')
    expect(run(['--', 'dist/nope.js'], dir)).toMatchObject({
      code: 1,
      stderr: 'shipshape-compile-cache: dist/nope.js does not exist: build the service first\n',
    })
    expect(run([], dir).stderr).toMatch(/^shipshape-compile-cache: no entry point given\n\nUsage:/)
    expect(run(['--user', 'node', '--', 'dist/server.js'], dir).stderr).toBe(
      'shipshape-compile-cache: --user must be numeric <uid>:<gid>, as USER is: node\n',
    )
    expect(run(['--import', 'x', 'dist/server.js'], dir).stderr).toMatch(
      /^shipshape-compile-cache: Unknown option '--import'/,
    )
    expect(readdirSync(dir)).toEqual(['dist'])
  })
})
