import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'

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
  /** How long loading may take before it is stopped (an entry point that ran would serve forever); default 60 s. */
  timeoutMs?: number
}

export interface CompileCacheResult {
  /** Absolute path of the cache: what the image's `NODE_COMPILE_CACHE` names. */
  directory: string
  /** How many modules it holds. */
  modules: number
}

export class CompileCacheError extends Error {
  override name = 'CompileCacheError'
}

export const DEFAULT_CACHE_DIR = '.node-compile-cache'

// Evaluated before the entry point (a module's imports run in order) and after every module of the graph was
// compiled (all of them are, before any runs): the process exits having compiled the service and run none of it.
const STOP = 'data:text/javascript,process.exit(0)'

/**
 * Makes Node's compile cache (V8 code cache) of a service, portable (`NODE_COMPILE_CACHE_PORTABLE=1`: its keys
 * are paths relative to the cache), so it can be made beside `pnpm deploy`'s output in the image's build stage
 * and copied with it: the container's first start then skips compiling the bundle's ~3.5 MiB. Loads the entry
 * point and the preloads as the `CMD` does, but runs nothing of the entry point (no configuration, database or
 * port is needed). Writes the cache whole or not at all (`CompileCacheError`).
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
  const loader = join(dir, `.shipshape-compile-cache-${process.pid}.mjs`)
  const entryUrl = `./${relative(dir, resolve(dir, entry)).split('\\').join('/')}`
  await writeFile(loader, `import ${JSON.stringify(STOP)};\nimport ${JSON.stringify(entryUrl)};\n`)
  try {
    await rm(partial, { recursive: true, force: true })
    await mkdir(partial)
    if (options.user !== undefined) await chown(partial, options.user.uid, options.user.gid)
    await compileInto(partial, dir, [...options.args.slice(0, -1), loader], options)
    const modules = await countEntries(partial)
    if (modules === 0) throw new CompileCacheError('node wrote no compile cache')
    await makeReadable(partial)
    await rm(directory, { recursive: true, force: true })
    await rename(partial, directory)
    return { directory, modules }
  } finally {
    await rm(loader, { force: true })
    await rm(partial, { recursive: true, force: true })
  }
}

async function compileInto(
  cache: string,
  cwd: string,
  args: string[],
  { user, timeoutMs = 60_000 }: CompileCacheOptions,
): Promise<void> {
  // Nothing of the build's environment: a preload that reads it (tracing) loads what a bare start loads.
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', NODE_COMPILE_CACHE: cache, NODE_COMPILE_CACHE_PORTABLE: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: timeoutMs,
    ...user,
  })
  const spawned = once(child, 'spawn')
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  await spawned.catch((error: NodeJS.ErrnoException) => {
    const as = user === undefined ? '' : ` as ${user.uid}:${user.gid}`
    throw new CompileCacheError(`could not run ${process.execPath}${as}: ${error.code ?? error.message}`)
  })
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null]
  if (signal !== null)
    throw new CompileCacheError(
      `loading the entry point was stopped by ${signal} (it may take ${timeoutMs} ms):\n${stderr.trim()}`.trim(),
    )
  if (code !== 0)
    throw new CompileCacheError(`node could not load the entry point (exit ${code}):\n${stderr.trim()}`)
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
    if (version.isDirectory()) count += (await readdir(join(cache, version.name))).length
  return count
}
