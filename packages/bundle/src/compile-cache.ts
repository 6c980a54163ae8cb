import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { CODE_CACHE_FOLDER, WRITE_CODE_CACHE_ENV } from './loader.ts'

export interface CompileCacheOptions {
  /** The service as the image holds it (`dist/` and `node_modules/`, e.g. `pnpm deploy`'s output); default the working directory. */
  dir?: string
  /**
   * What the image's `CMD` passes to `node`: its options, then the entry point last, relative to `dir`
   * (`['--import', '@shipshape/telemetry/register', 'dist/server.js']`). The `--import`ed preloads are cached
   * too.
   */
  args: readonly string[]
  /** Where the cache goes, relative to `dir`; default `.node-compile-cache`. It is replaced. */
  cacheDir?: string
  /**
   * The user the image runs as (its `USER`, numeric). Node keeps a cache per user id, so one made as root
   * (a build stage) is not read by the runtime user: with this, the process that makes it runs as that user
   * (which needs root, and a `node` that user can run).
   */
  user?: { uid: number; gid: number }
  /** How long the start may take before it is stopped (one that never listens would run forever); default 60 s. */
  timeoutMs?: number
}

export interface CompileCacheResult {
  /** Absolute path of the cache: what the image's `NODE_COMPILE_CACHE` names. */
  directory: string
  /** How many modules Node's cache holds (the loader, the preloads). */
  modules: number
  /** The bundle's code cache (`@shipshape/bundle`'s loader writes it), if the entry point is a bundle's loader. */
  codeCache?: { file: string; bytes: number }
  /**
   * Set when the start ended before it listened (it failed in development mode): the code cache then holds
   * what the start compiled until then, not what listening takes. What the process printed last.
   */
  stoppedEarly?: string
}

export class CompileCacheError extends Error {
  override name = 'CompileCacheError'
}

export const DEFAULT_CACHE_DIR = '.node-compile-cache'

// A preload the start runs first: once the service asks to listen (its routes compiled, its plugins ready),
// the process exits, before any socket is bound; the loader then writes the code cache (an `exit` listener).
const STOP_AT_LISTEN = `data:text/javascript,${encodeURIComponent(
  "import net from 'node:net';\nnet.Server.prototype.listen = function () { process.exit(0) };\n",
)}`

/**
 * What the start runs with, and nothing of the build's environment: development mode, where a secret left
 * unset gets a random value for that process, and a PostgreSQL nobody answers at (port 1 of the loopback), so
 * the service takes the production path to its database and never reaches one. A preload that reads the
 * environment (tracing) loads what a bare start loads.
 */
export const START_ENV: Readonly<Record<string, string>> = {
  APP_ENV: 'development',
  DATABASE_URL: 'postgres://compile-cache@127.0.0.1:1/compile-cache',
  HOST: '127.0.0.1',
}

/**
 * Makes the compile cache of a service, portable (`NODE_COMPILE_CACHE_PORTABLE=1`: its keys are paths relative
 * to the cache), so it can be made beside `pnpm deploy`'s output in the image's build stage and copied with it:
 * Node's compile cache of the modules a start loads (the loader, the preloads), and, for a bundle
 * (`@shipshape/bundle`), V8's code cache of its script made after a start, which holds the functions the start
 * ran. It starts the service as the `CMD` does (`START_ENV`, no database reached) and stops it when it asks
 * to listen. Writes the cache whole or not at all (`CompileCacheError`).
 */
export async function makeCompileCache(options: CompileCacheOptions): Promise<CompileCacheResult> {
  const dir = resolve(options.dir ?? '.')
  const entry = options.args.at(-1)
  if (entry === undefined || entry.startsWith('-'))
    throw new CompileCacheError(
      'the arguments must end with the entry point, as the CMD does (dist/server.js)',
    )
  if (!existsSync(resolve(dir, entry)))
    throw new CompileCacheError(
      `${join(relative(process.cwd(), dir), entry)} does not exist: build the service first`,
    )

  const directory = resolve(dir, options.cacheDir ?? DEFAULT_CACHE_DIR)
  // Beside the final directory, so renaming it keeps every path relative to it the same.
  const partial = `${directory}.partial-${process.pid}`
  try {
    await rm(partial, { recursive: true, force: true })
    await mkdir(partial)
    if (options.user !== undefined) await chown(partial, options.user.uid, options.user.gid)
    const ended = await startInto(partial, dir, ['--import', STOP_AT_LISTEN, ...options.args], options)
    const codeCache = await findCodeCache(partial)
    // A start that failed with no code cache written: the entry point did not load, or is no bundle's loader.
    if (ended !== undefined && codeCache === undefined)
      throw new CompileCacheError(
        `node could not start the entry point (exit ${ended.code}):\n${ended.output}`,
      )
    const modules = await countEntries(partial)
    if (modules === 0) throw new CompileCacheError('node wrote no compile cache')
    const stoppedEarly = ended && `exit ${ended.code}: ${ended.output}`
    await makeReadable(partial)
    await rm(directory, { recursive: true, force: true })
    await rename(partial, directory)
    return {
      directory,
      modules,
      ...(codeCache === undefined
        ? {}
        : {
            codeCache: { file: join(directory, relative(partial, codeCache.file)), bytes: codeCache.bytes },
          }),
      ...(stoppedEarly === undefined ? {} : { stoppedEarly }),
    }
  } finally {
    await rm(partial, { recursive: true, force: true })
  }
}

/** Runs the start; when it ended before listening, its exit code and what it printed last. */
async function startInto(
  cache: string,
  cwd: string,
  args: string[],
  { user, timeoutMs = 60_000 }: CompileCacheOptions,
): Promise<{ code: number | null; output: string } | undefined> {
  const child = spawn(process.execPath, args, {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_COMPILE_CACHE: cache,
      NODE_COMPILE_CACHE_PORTABLE: '1',
      [WRITE_CODE_CACHE_ENV]: '1',
      ...START_ENV,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...user,
  })
  // Killed, not signalled: a service stops on SIGTERM as if it had finished, and its cache would be kept.
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, timeoutMs)
  const spawned = once(child, 'spawn')
  let output = ''
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-4000)
  }
  child.stdout?.setEncoding('utf8').on('data', keep)
  child.stderr?.setEncoding('utf8').on('data', keep)
  await spawned.catch((error: NodeJS.ErrnoException) => {
    clearTimeout(timer)
    const as = user === undefined ? '' : ` as ${user.uid}:${user.gid}`
    throw new CompileCacheError(`could not run ${process.execPath}${as}: ${error.code ?? error.message}`)
  })
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null]
  clearTimeout(timer)
  if (timedOut)
    throw new CompileCacheError(
      `the start did not listen within ${timeoutMs} ms, and was stopped:\n${output.trim()}`.trim(),
    )
  if (signal !== null)
    throw new CompileCacheError(`the start was ended by ${signal}:\n${output.trim()}`.trim())
  return code === 0 ? undefined : { code, output: output.trim() }
}

/** The bundle's code cache the loader wrote (one file, named by its script and checksum), if it did. */
async function findCodeCache(cache: string): Promise<{ file: string; bytes: number } | undefined> {
  const folder = join(cache, CODE_CACHE_FOLDER)
  if (!existsSync(folder)) return undefined
  // Not a `.<pid>` file a write that failed left.
  const name = (await readdir(folder)).find((file) => /-[0-9a-f]{8}$/.test(file))
  if (name === undefined) return undefined
  const file = join(folder, name)
  return { file, bytes: (await stat(file)).size }
}

/**
 * Node writes its files for their owner alone (0600); the image's COPY gives them to root and keeps the mode,
 * so the runtime user could not read them. The cache is compiled code the image holds anyway: readable by all
 * (and, once copied, root's).
 */
async function makeReadable(cache: string): Promise<void> {
  await chmod(cache, 0o755)
  for (const entry of await readdir(cache, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name)
    await chmod(path, entry.isDirectory() ? 0o755 : 0o644)
  }
}

/** Node keeps a directory per Node version and architecture (and user), and a file per module in it. */
async function countEntries(cache: string): Promise<number> {
  if (!existsSync(cache)) return 0
  let count = 0
  for (const version of await readdir(cache, { withFileTypes: true }))
    if (version.isDirectory() && version.name !== CODE_CACHE_FOLDER)
      count += (await readdir(join(cache, version.name))).length
  return count
}
