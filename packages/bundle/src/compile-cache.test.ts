import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
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

/**
 * A service directory as `pnpm deploy` leaves it: `dist/server.js`, here the bundled fixture service (its
 * loader, and the script beside it).
 */
function serviceDir(name: string, from = built): string {
  const dir = join(scratchRoot, name)
  mkdirSync(dir, { recursive: true })
  cpSync(from, join(dir, 'dist'), { recursive: true })
  return dir
}

beforeAll(async () => {
  database = await createScratchDatabase()
  built = join(scratchRoot, 'built')
  await bundleService({
    serviceDir: packageDir,
    entry: 'test/fixture-service.mjs',
    outfile: join(built, 'server.js'),
  })
})

afterAll(async () => {
  rmSync(scratchRoot, { recursive: true, force: true })
  await database?.drop()
})

/**
 * Starts `dist/server.js` under the preload with the cache, as the image does, and says what Node did with
 * it and what the bundle's loader did with its code cache.
 */
async function startWithCache(
  dir: string,
  as: { node: string; uid?: number; gid?: number; args?: string[]; request?: boolean } = {
    node: process.execPath,
  },
) {
  const child: ChildProcess = spawn(as.node, [...(as.args ?? PRELOAD), 'dist/server.js'], {
    cwd: dir,
    uid: as.uid,
    gid: as.gid,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: database.url,
      NODE_COMPILE_CACHE: join(dir, '.node-compile-cache'),
      NODE_COMPILE_CACHE_PORTABLE: '1',
      // Node's own account of each module it looked up in the cache, and the loader's, on stderr.
      NODE_DEBUG_NATIVE: 'COMPILE_CACHE',
      NODE_DEBUG: 'shipshape',
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
  const response = as.request === false ? undefined : await fetch(`http://127.0.0.1:${port}/sum`)
  child.kill('SIGTERM')
  await once(child, 'exit')
  return { status: response?.status, body: await response?.json(), stderr }
}

describe('makeCompileCache', () => {
  it("caches the loader and the preload, and the bundle's code after a start, without a socket; the cache moves with the service", async () => {
    const dir = serviceDir('deploy')
    const result = await makeCompileCache({ dir, args: [...PRELOAD, 'dist/server.js'] })

    expect(result.directory).toBe(join(dir, '.node-compile-cache'))
    // The loader, the preload's modules: Node's. The bundle's script: the loader's, named by its checksum.
    expect(result.modules).toBeGreaterThan(10)
    expect(result.codeCache?.file).toMatch(
      /\/\.node-compile-cache\/shipshape\/server\.bundle\.cjs-[0-9a-f]{8}$/,
    )
    expect(result.codeCache?.bytes).toBeGreaterThan(100_000)
    expect(result).not.toHaveProperty('stoppedEarly')
    // Readable by the user the image runs as (root owns it there), writable by none but its owner.
    const cache = join(dir, '.node-compile-cache')
    const modes = readdirSync(cache, { recursive: true }).map((path) => statSync(join(cache, String(path))))
    expect(new Set(modes.map((stat) => (stat.mode & 0o777).toString(8)))).toEqual(new Set(['755', '644']))
    // Nothing of the making is left beside the service. Had the start listened, it would have served until
    // the timeout and the call would have failed.
    expect(readdirSync(dir).sort()).toEqual(['.node-compile-cache', 'dist'])

    // pnpm deploy's output is made in one place and copied into the image at another.
    const app = join(scratchRoot, 'app')
    cpSync(dir, app, { recursive: true })
    const started = await startWithCache(app)

    expect(started).toMatchObject({ status: 200, body: { sum: 2 } })
    const loaderUrl = `file://${join(app, 'dist', 'server.js')}`
    expect(started.stderr).toContain(`V8 code cache for ESM ${loaderUrl} was accepted`)
    expect(started.stderr).toMatch(/V8 code cache for ESM file:\/\/\S+\/telemetry\/\S+ was accepted/)
    const codeCache = join(app, relative(dir, result.codeCache?.file ?? ''))
    expect(started.stderr).toContain(`code cache ${codeCache} accepted`)
  })

  it('holds the functions the start ran: a start from it compiles a tenth of what one without a cache does', async () => {
    // V8's log of each function it compiles; the same flags for the cache's start and the measured ones, as
    // V8 takes a code cache only from a process with its own flags.
    const log = ['--log-function-events', '--logfile=v8.log', '--no-logfile-per-isolate']
    const args = [SOURCE, ...log, '--import', '@shipshape/telemetry/register']
    const dir = serviceDir('lazy')
    // Functions of the bundle V8 compiled when first called, by the log: of the script that has the most
    // (the bundle's, whatever its file is called; the loader has none).
    const compiledLazily = () => {
      const counts = new Map<string, number>()
      for (const line of readFileSync(join(dir, 'v8.log'), 'utf8').split('\n')) {
        const [kind, event, script] = line.split(',')
        if (kind === 'function' && event === 'parse-function' && script !== undefined)
          counts.set(script, (counts.get(script) ?? 0) + 1)
      }
      return Math.max(...counts.values())
    }

    // Started until it listens, then stopped: no request, whose code no start runs.
    const start = { node: process.execPath, args, request: false }
    await startWithCache(dir, start)
    const withoutCache = compiledLazily()
    await makeCompileCache({ dir, args: [...args, 'dist/server.js'] })
    const cached = await startWithCache(dir, start)
    expect(cached.stderr).toMatch(/code cache \S+ accepted/)
    const withCache = compiledLazily()

    // ~580 functions without a cache; with one, those its stop runs (~40).
    expect(withoutCache).toBeGreaterThan(300)
    expect(withCache).toBeLessThan(withoutCache / 10)
  })

  it('is not read for a script changed after it was made, even one of the same length', async () => {
    const dir = serviceDir('stale-script')
    const made = await makeCompileCache({ dir, args: [...PRELOAD, 'dist/server.js'] })
    // V8 checks a code cache against its source's length only: an edit that keeps the length.
    const script = join(dir, 'dist', 'server.bundle.cjs')
    const before = readFileSync(script, 'latin1')
    const after = before.replace('"SELECT 1 + 1 AS sum"', '"SELECT 1 + 2 AS sum"')
    expect(after).not.toBe(before)
    expect(after.length).toBe(before.length)
    writeFileSync(script, after, 'latin1')

    const started = await startWithCache(dir)

    expect(started).toMatchObject({ status: 200, body: { sum: 3 } })
    expect(started.stderr).toMatch(/no code cache \S+\/shipshape\/server\.bundle\.cjs-[0-9a-f]{8}: ENOENT/)
    expect(started.stderr).not.toContain(`code cache ${made.codeCache?.file} accepted`)
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
    await expect(making).rejects.toThrow(/node could not start the entry point \(exit 1\):[\s\S]*SyntaxError/)
    expect(readdirSync(dir).sort()).toEqual(['.node-compile-cache', 'dist'])
    expect(readdirSync(join(dir, '.node-compile-cache'), { recursive: true }).sort()).toEqual(before)
  })

  it('keeps what a start that failed before listening compiled, and says why it failed', async () => {
    const failing = join(scratchRoot, 'failing')
    await bundleService({
      serviceDir: packageDir,
      entry: 'test/fixture-config.mjs',
      outfile: join(failing, 'server.js'),
    })
    const dir = serviceDir('config', failing)

    const result = await makeCompileCache({ dir, args: [...PRELOAD, 'dist/server.js'] })

    expect(result.stoppedEarly).toMatch(/^exit 1: [\s\S]*Invalid environment: SERVICE_REGION is required/)
    expect(result.codeCache?.bytes).toBeGreaterThan(100_000)
    // It ran as START_ENV says: development mode, its database nowhere.
    expect(result.stoppedEarly).toContain(
      'APP_ENV=development DATABASE_URL=postgres://compile-cache@127.0.0.1:1/compile-cache',
    )
  })

  it('stops a start that does not finish', async () => {
    const dir = serviceDir('hangs')
    // A preload that never lets the process exit, and that ends it cleanly on SIGTERM, as a service does: the
    // entry point is never run, and a stop by SIGTERM would look like a start that finished.
    writeFileSync(
      join(dir, 'hang.mjs'),
      "process.on('SIGTERM', () => process.exit(0))\nsetInterval(() => {}, 1000)\nawait new Promise(() => {})\n",
    )

    const making = makeCompileCache({
      dir,
      args: ['--import', './hang.mjs', 'dist/server.js'],
      timeoutMs: 1000,
    })

    await expect(making).rejects.toThrow('the start did not listen within 1000 ms, and was stopped')
    expect(readdirSync(dir).sort()).toEqual(['dist', 'hang.mjs'])
  })
})

describe('shipshape-compile-cache', () => {
  const run = (args: string[], cwd: string, node?: string) => runBin('compile-cache-cli.ts', args, cwd, node)

  it('makes the cache of the service in --dir and says how many modules and how much code it holds', () => {
    const dir = serviceDir('cli')
    const result = run(['--dir', dir, '--', ...PRELOAD, 'dist/server.js'], scratchRoot)
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout).toMatch(
      /^compile cache cli\/\.node-compile-cache: \d+ modules; code cache of the bundle [\d.]+ MiB\n$/,
    )
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
      expect(readdirSync(join(dir, '.node-compile-cache')).sort()).toEqual([
        'shipshape',
        expect.stringMatching(/-1000$/),
      ])

      // The image's COPY: root owns the copy and the modes stay as they were.
      const app = join(scratchRoot, 'cli-user-app')
      cpSync(dir, app, { recursive: true })
      const started = await startWithCache(app, { node, uid: 1000, gid: 1000 })
      expect(started).toMatchObject({ status: 200, body: { sum: 2 } })
      expect(started.stderr).toContain(
        `V8 code cache for ESM file://${join(app, 'dist', 'server.js')} was accepted`,
      )
      expect(started.stderr).toMatch(/code cache \S+\/shipshape\/server\.bundle\.cjs-[0-9a-f]{8} accepted/)
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
