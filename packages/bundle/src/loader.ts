/**
 * Set to `1` in the environment of a start, the loader writes the script's code cache when the process exits
 * (`shipshape-compile-cache` sets it, and stops the start when it listens).
 */
export const WRITE_CODE_CACHE_ENV = 'SHIPSHAPE_WRITE_CODE_CACHE'

/** The loader's folder in the compile cache directory (`NODE_COMPILE_CACHE`), beside Node's own. */
export const CODE_CACHE_FOLDER = 'shipshape'

/** The `NODE_DEBUG` section the loader reports on (`NODE_DEBUG=shipshape`): which code cache it read, and how V8 took it. */
export const DEBUG_SECTION = 'shipshape'

export interface LoaderOptions {
  /** The script's file name, beside the loader. */
  script: string
  /** `latin1` for an ASCII script (a one-byte string, read without decoding), else `utf8`. */
  encoding: 'latin1' | 'utf8'
  /**
   * Whether the script keeps an `import()` of a computed name: only then may it import, through Node's
   * `vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER`, which prints an ExperimentalWarning.
   */
  dynamicImports: boolean
}

/**
 * The ES module that starts a bundle in the entry point's place (`dist/server.js`): it compiles the script
 * (bundle-service.ts's PROLOGUE) with `vm.Script` and runs it with the bundle's `require` and what its
 * `import.meta` was. A module's code cache, which Node's compile cache keeps, is made when the module is
 * compiled and holds only what V8 compiled before it ran: the top level of each function esbuild wraps a
 * module in, none of the functions a start then runs (~80 ms of CPU of the reference service's start,
 * bench/README, fifteenth pass). A script's can be made after it ran (`createCachedData`): the loader reads
 * the one in `NODE_COMPILE_CACHE`, made by `shipshape-compile-cache` after a start, named by the script's
 * CRC-32, since V8 checks a code cache against its source's length only. Node's compile cache still serves
 * the loader and the preloads. Without a cache, or with one V8 rejects (another Node version, other V8
 * flags), the script compiles as a module would. Under `--enable-source-maps` the loader requires the script
 * as a CommonJS module instead, without a code cache, as Node maps the stack traces of a module only. The
 * loader depends on nothing but Node.
 */
export function renderLoader({ script, encoding, dynamicImports }: LoaderOptions): string {
  const importsDynamically = dynamicImports
    ? ', importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER'
    : ''
  return `// Made by @shipshape/bundle: starts the service from ${script}, the service and its dependencies in one
// script, compiled from the V8 code cache shipshape-compile-cache made of it after a start, when the
// process has one (NODE_COMPILE_CACHE). NODE_DEBUG=${DEBUG_SECTION} says which cache it read and whether V8 took it.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { debuglog } from 'node:util'
import { ${dynamicImports ? 'constants, ' : ''}Script } from 'node:vm'
import { crc32 } from 'node:zlib'

const debug = debuglog(${JSON.stringify(DEBUG_SECTION)})
const url = new URL(${JSON.stringify(`./${script}`)}, import.meta.url)
const filename = fileURLToPath(url)
const require = createRequire(filename)

/** The script's function: compiled here, from its code cache when there is one. */
function load() {
  // Node maps the stack traces of a module, not of a script: required, the script is a CommonJS module.
  if (process.sourceMapsEnabled) return require(filename)
  const source = readFileSync(filename)
  const cacheDir = process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : process.env.NODE_COMPILE_CACHE
  // Named by the script's checksum: V8 checks a code cache against the length of its source only.
  const cacheFile = cacheDir
    ? join(cacheDir, ${JSON.stringify(CODE_CACHE_FOLDER)}, \`${script}-\${crc32(source).toString(16).padStart(8, '0')}\`)
    : undefined
  let cachedData
  if (cacheFile !== undefined) {
    try {
      cachedData = readFileSync(cacheFile)
    } catch (error) {
      debug('no code cache %s: %s', cacheFile, error.code)
    }
  }
  const script = new Script(source.toString(${JSON.stringify(encoding)}), { filename, cachedData${importsDynamically} })
  if (cachedData !== undefined)
    debug('code cache %s %s', cacheFile, script.cachedDataRejected ? 'rejected' : 'accepted')
  if (cacheFile !== undefined && process.env.${WRITE_CODE_CACHE_ENV} === '1')
    process.once('exit', () => {
      // After the start: the cache holds every function it compiled.
      const partial = \`\${cacheFile}.\${process.pid}\`
      mkdirSync(dirname(cacheFile), { recursive: true })
      writeFileSync(partial, script.createCachedData())
      renameSync(partial, cacheFile)
    })
  return script.runInThisContext()
}

await load()(require, {
  url: url.href,
  filename,
  dirname: dirname(filename),
  main: import.meta.main,
  resolve: (specifier) => import.meta.resolve(specifier),
})
`
}
