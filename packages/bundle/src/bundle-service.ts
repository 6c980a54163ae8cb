import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire, isBuiltin } from 'node:module'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { Script } from 'node:vm'
import { build, type Metafile, type Plugin } from 'esbuild'
import { parseSync } from 'oxc-parser'
import { renderLoader } from './loader.ts'

/**
 * Packages a bundle must leave to `node_modules`, and why. Each is a dependency the service itself declares,
 * so it resolves from `dist/` in the image as it does in the workspace.
 */
export const RUNTIME_PACKAGES: Readonly<Record<string, string>> = {
  '@node-rs/argon2': 'a native addon, loaded from its platform package',
  '@electric-sql/pglite': 'loads its WebAssembly and data files from beside its own code',
  '@shipshape/telemetry': 'the preload (`--import`) and the service must share one copy',
}

export interface BundleOptions {
  /** The service's directory (its package.json); default the working directory. */
  serviceDir?: string
  /** The compiled entry point, relative to `serviceDir`; default `dist/server.js`. */
  entry?: string
  /**
   * Where the bundle's loader goes, relative to `serviceDir`; default the entry itself (it is replaced). The
   * script it runs goes beside it (`server.js` → `server.bundle.cjs`), with its source map.
   */
  outfile?: string
  /**
   * More packages to leave to `node_modules`, beside `RUNTIME_PACKAGES`: one of the service's own
   * dependencies with native code or files read from beside its code.
   */
  external?: string[]
}

export interface BundleResult {
  /** Absolute path of the loader: what `node` starts. */
  outfile: string
  /** Absolute path of the script the loader runs: the service and its dependencies; its source map is beside it (`.map`). */
  script: string
  /** How many modules went into it. */
  modules: number
  /** The script's size. */
  bytes: number
  /**
   * How many `import()`s of a computed name the script keeps (a dependency's plugin loader): the loader then
   * lets a script import (Node's `vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER`), which prints an
   * ExperimentalWarning at start. 0 for the template's services.
   */
  dynamicImports: number
  /** The runtime packages the service's code reaches, left to `node_modules`. */
  external: string[]
  /** Set when the bundle keeps non-ASCII text (see `toAsciiSource`): where, and so why. */
  nonAscii?: string
}

export class BundleError extends Error {
  override name = 'BundleError'
}

/** Node's lookup of a bare package name: `node_modules/<name>` in the directory or any parent. */
function isResolvableFrom(directory: string, name: string): boolean {
  for (let current = directory; ; current = dirname(current)) {
    if (existsSync(join(current, 'node_modules', name, 'package.json'))) return true
    if (dirname(current) === current) return false
  }
}

/** The package a bare specifier names: `pg` of `pg/lib/x`, `@scope/name` of `@scope/name/sub`. */
function packageNameOf(specifier: string): string {
  const [scope = '', name = ''] = specifier.split('/')
  return scope.startsWith('@') ? `${scope}/${name}` : scope
}

function listExternalImports(metafile: Metafile, runtimePackages: ReadonlySet<string>): string[] {
  const names = new Set<string>()
  for (const input of Object.values(metafile.inputs))
    for (const imported of input.imports)
      if (imported.external && !imported.path.startsWith('node:')) {
        const packageName = packageNameOf(imported.path)
        if (runtimePackages.has(packageName)) names.add(packageName)
      }
  return [...names].sort()
}

/**
 * The bundle is a script, not an ES module: the loader (loader.ts) compiles it with a V8 code cache made after
 * a start, which holds the functions that start ran; Node's compile cache of a module holds only what V8
 * compiles before the module runs (bench/README, fifteenth pass). esbuild still writes an ES module (an
 * entry point may `await` at its top level), inside this function: `await` stays legal, `require` is the
 * bundle's directory's (a bundled CommonJS module's `require` of a builtin, and the imports below), and
 * `import.meta` becomes `__shipshapeImportMeta` (`define`), which the loader fills in. Nothing else of a
 * module is left: every import is a `require` (importsThroughRequire) and a check refuses an export.
 */
const PROLOGUE = [
  // The script's value is this function (in parentheses: V8 compiles it at once, not at its call, which
  // would parse its text twice); required as CommonJS (the loader does under --enable-source-maps, so that
  // Node maps its stack traces), it is also the module's export.
  "(typeof module === 'object' ? module : {}).exports = (async function (require, __shipshapeImportMeta) {",
  "'use strict';",
  "const { dirname: __shipshapeDirname } = require('node:path');",
  "const { fileURLToPath: __shipshapeFileURLToPath } = require('node:url');",
].join('\n')
const EPILOGUE = '})'

const IMPORT_META = /\bimport\.meta\.(url|filename|dirname)\b/g

/**
 * Keeps `import.meta.url` (and `filename`, `dirname`) of each of the service's own modules what it was before
 * bundling, relative to the bundle: `new URL('../../drizzle', import.meta.url)` in `dist/db/client.js` still
 * names the service's `drizzle/` from `dist/server.js`, here and in the image (both files are in the service,
 * which moves as a whole). Modules from node_modules keep the bundle's: their place differs in the image.
 */
function keepImportMeta(serviceDir: string, outfile: string): Plugin {
  const inService = (path: string) =>
    path.startsWith(serviceDir + sep) && !path.includes(`${sep}node_modules${sep}`)
  return {
    name: 'shipshape-keep-import-meta',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?js$/ }, async ({ path }) => {
        if (!inService(path)) return undefined
        const source = await readFile(path, 'utf8')
        if (!source.includes('import.meta.')) return undefined
        const url = `new URL(${JSON.stringify(relative(dirname(outfile), path).split(sep).join('/'))}, import.meta.url)`
        const contents = source.replace(IMPORT_META, (_match, field: string) =>
          field === 'url'
            ? `${url}.href`
            : field === 'filename'
              ? `__shipshapeFileURLToPath(${url})`
              : `__shipshapeDirname(__shipshapeFileURLToPath(${url}))`,
        )
        return { contents, loader: 'js', resolveDir: dirname(path) }
      })
    },
  }
}

const THROUGH_REQUIRE_NAMESPACE = 'shipshape-through-require'

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Turns an import (static or `import()`) of a Node builtin, or of a package left to `node_modules`, into a
 * `require` of it: the bundle is a script (PROLOGUE), which has no imports. Each becomes a CommonJS module
 * of the bundle that requires it (through the prologue's `require`, from the bundle's directory as an import
 * would resolve it; an ES module without top-level `await`, such as `@shipshape/telemetry`, is required as
 * Node 24 does), evaluated when the first module that imports it is; esbuild reads a named import as a
 * property of it where the code uses it, and an `import()` resolves to it when called. Two gains came of it
 * before the bundle was a script: a builtin's ES facade reads every export, some are lazy getters, and
 * reading `node:http`'s `WebSocket` loads undici, a client the service never uses (~40 ms less CPU to ready,
 * bench/README, twelfth pass); and a package's ES import, wherever it is written, loads it before any of the
 * bundle runs, where through `require` PGlite, ~500 KiB a service on PostgreSQL never runs, loads only for
 * the embedded database (`@shipshape/db` imports its PGlite module only then: ~30 ms of CPU, thirteenth
 * pass). A `require` stays as it is.
 */
function importsThroughRequire(external: ReadonlySet<string>): Plugin {
  // What esbuild asks the plugin about (only a matching path): what may be a builtin, and the packages
  // left out, with their subpaths.
  const candidate = new RegExp(`^(?:[a-z0-9_:/]+|(?:${[...external].map(escapeRegExp).join('|')})(?:/.*)?)$`)
  return {
    name: 'shipshape-imports-through-require',
    setup(build) {
      build.onResolve({ filter: candidate }, ({ path, kind }) =>
        (kind === 'import-statement' || kind === 'dynamic-import') &&
        (isBuiltin(path) || external.has(packageNameOf(path)))
          ? { path, namespace: THROUGH_REQUIRE_NAMESPACE }
          : undefined,
      )
      build.onLoad({ filter: /.*/, namespace: THROUGH_REQUIRE_NAMESPACE }, ({ path }) => ({
        contents: `module.exports = require(${JSON.stringify(path)})`,
        loader: 'js',
      }))
    },
  }
}

/**
 * Packages the telemetry preload instruments, bundled: a bundled module is never `require`d by its name, so
 * the instrumentation that patches it as it loads never sees it. Each announces itself instead, as its main
 * file ends: `globalThis[Symbol.for(BUNDLED_MODULE_KEY)]?.(name, module.exports)`, which a started SDK answers
 * with the patch a `require` would have brought, and nothing answers with tracing off
 * (`@shipshape/telemetry`'s bundled-modules.ts). pg was left to `node_modules` for its instrumentation until
 * then; bundled, its ~25 files are no longer resolved, read and compiled one by one at every start.
 */
export const ANNOUNCED_PACKAGES: readonly string[] = ['pg', 'pg-pool']

/** The string `@shipshape/telemetry` exports as BUNDLED_MODULE_KEY (a test holds them equal). */
export const BUNDLED_MODULE_KEY = '@shipshape/telemetry:bundled-module'

// What the plugin below is asked about: a JavaScript file of one of them (findAnnouncedPackage decides).
const ANNOUNCED_CANDIDATE = new RegExp(
  `[\\\\/]node_modules[\\\\/](?:${ANNOUNCED_PACKAGES.map(escapeRegExp).join('|')})[\\\\/].*\\.js$`,
)

/** The package whose main file (its package.json's `main`) `path` is, if it is one of ANNOUNCED_PACKAGES. */
function findAnnouncedPackage(path: string): string | undefined {
  for (const name of ANNOUNCED_PACKAGES) {
    const marker = `${sep}node_modules${sep}${name}${sep}`
    const at = path.lastIndexOf(marker)
    if (at === -1) continue
    // A directory's `require` resolves its package.json's `main` as Node does (`./lib` → `./lib/index.js`).
    return createRequire(path).resolve(path.slice(0, at + marker.length)) === path ? name : undefined
  }
  return undefined
}

/** Makes each of ANNOUNCED_PACKAGES announce itself at the end of its main file (see above). */
function announceInstrumentedPackages(): Plugin {
  return {
    name: 'shipshape-announce-instrumented-packages',
    setup(build) {
      build.onLoad({ filter: ANNOUNCED_CANDIDATE }, async ({ path }) => {
        const name = findAnnouncedPackage(path)
        if (name === undefined) return undefined
        const source = await readFile(path, 'utf8')
        const announce = `globalThis[Symbol.for(${JSON.stringify(BUNDLED_MODULE_KEY)})]?.(${JSON.stringify(name)}, module.exports);`
        return { contents: `${source}\n${announce}\n`, loader: 'js', resolveDir: dirname(path) }
      })
    },
  }
}

// A UTF-16 unit outside ASCII: a character beyond the BMP is two of them.
const NON_ASCII = /[\u0080-\uffff]/
const EVERY_NON_ASCII = new RegExp(NON_ASCII.source, 'g')

interface Span {
  start: number
  end: number
}

function holds(value: unknown, position: number): value is Span {
  const span = value as Partial<Span> | null
  return (
    typeof span === 'object' &&
    span !== null &&
    typeof span.start === 'number' &&
    typeof span.end === 'number' &&
    span.start <= position &&
    position < span.end
  )
}

/** Whether `position` is in a regular expression literal: walks down only the nodes whose span holds it. */
function isInRegExpLiteral(program: object, position: number): boolean {
  let node: object | undefined = program
  while (node !== undefined) {
    if ((node as { regex?: unknown }).regex !== undefined) return true
    let next: object | undefined
    for (const value of Object.values(node)) {
      const candidates: unknown[] = Array.isArray(value) ? value : [value]
      next = candidates.find((candidate) => holds(candidate, position)) as object | undefined
      if (next !== undefined) break
    }
    node = next
  }
  return false
}

export interface AsciiSource {
  /** The code: ASCII only, unless `kept` says why not. */
  code: string
  /** Why the code was left as it was: where non-ASCII text could not be rewritten without changing it. */
  kept?: string
}

/**
 * The bundle with only ASCII in it. Node decodes an ES module's source from UTF-8 and V8 keeps the text for
 * the life of the process: one non-ASCII character anywhere makes the whole bundle a two-byte string (~7 MiB
 * for ~3.5 MiB of code). The reference service had ten such lines, all comments or a legal notice; ASCII
 * only, it starts with ~4 MiB less RSS (bench/README.md, eleventh pass). With `charset: 'ascii'` esbuild
 * escapes strings, templates and names, but not the comments it keeps (in class bodies and object literals,
 * and legal comments), regular expression literals, nor a tagged template's raw text. A parse (oxc-parser)
 * tells them apart: in a comment, each non-ASCII UTF-16 unit becomes `?` (one unit for one, so the source
 * map's columns hold); in a regular expression, its `\uXXXX` escape, which means the same unit with or
 * without the `u` flag (two escapes of a surrogate pair are one character under `u`), and replaces an
 * identity escape of it (`\ü`). Anything else (a tagged template's raw text, which an escape would change)
 * leaves the code as it was, with `kept` saying where: memory, not correctness, is at stake, so a build
 * never fails for it.
 */
export function toAsciiSource(code: string, filename = 'bundle.js'): AsciiSource {
  if (!NON_ASCII.test(code)) return { code }
  const { program, comments, errors } = parseSync(filename, code, { sourceType: 'module' })
  const [error] = errors
  if (error !== undefined) return { code, kept: `${filename} could not be parsed: ${error.message}` }
  let ascii = ''
  let copied = 0
  let comment = 0
  for (const { index } of code.matchAll(EVERY_NON_ASCII)) {
    while (comment < comments.length && (comments[comment] as Span).end <= index) comment += 1
    if (holds(comments[comment], index)) {
      ascii += `${code.slice(copied, index)}?`
    } else if (isInRegExpLiteral(program, index)) {
      let backslashes = 0
      while (code[index - 1 - backslashes] === '\\') backslashes += 1
      const unit = `\\u${code.charCodeAt(index).toString(16).toUpperCase().padStart(4, '0')}`
      ascii += code.slice(copied, backslashes % 2 === 1 ? index - 1 : index) + unit
    } else {
      const line = code.slice(0, index).split('\n').length
      return { code, kept: `${filename}:${line} has non-ASCII text outside comments and regular expressions` }
    }
    copied = index + 1
  }
  return { code: ascii + code.slice(copied) }
}

/**
 * Where the script goes beside its loader: `dist/server.js` → `dist/server.bundle.cjs` (CommonJS to `require`,
 * whatever the package's `type`).
 */
export function scriptFileOf(outfile: string): string {
  return outfile.replace(/(\.[cm]?js)?$/, '.bundle.cjs')
}

/**
 * Holds esbuild's output to being a script (PROLOGUE): compiling it fails on an import, an export or an
 * `import.meta` left over. Returns how many `import()`s of a computed name it keeps (those of a literal
 * name are `require`s or bundled by then).
 */
function checkScript(code: string, filename: string): number {
  try {
    new Script(code, { filename })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const exported = /\bexport\b/.test(message) ? ": a service's entry point exports nothing" : ''
    throw new BundleError(`the bundle is not a script (${message})${exported}`)
  }
  return parseSync(filename, code, { sourceType: 'module' }).module.dynamicImports.length
}

/**
 * Bundles a service's compiled entry point (and everything it imports, but `RUNTIME_PACKAGES`) into one
 * script with a source map, run by a small ES module in the entry's place (`dist/server.js`, the loader), so
 * a start reads one file instead of resolving and loading ~1 400, and from a V8 code cache of it when the
 * image has one (`shipshape-compile-cache`). Refuses (`BundleError`, nothing written) when the service does
 * not declare a runtime package its code reaches: the bundle would fail at its first import in the image.
 */
export async function bundleService(options: BundleOptions = {}): Promise<BundleResult> {
  const serviceDir = resolve(options.serviceDir ?? '.')
  const entry = resolve(serviceDir, options.entry ?? 'dist/server.js')
  const outfile = resolve(serviceDir, options.outfile ?? options.entry ?? 'dist/server.js')
  const scriptFile = scriptFileOf(outfile)
  const runtimePackages = new Set([...Object.keys(RUNTIME_PACKAGES), ...(options.external ?? [])])
  if (!existsSync(entry))
    throw new BundleError(`${relative(serviceDir, entry)} does not exist: build the service first`)

  const result = await build({
    absWorkingDir: serviceDir,
    entryPoints: [entry],
    outfile: scriptFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // Strings, templates and names as escapes; the rest: toAsciiSource.
    charset: 'ascii',
    external: [...runtimePackages],
    banner: { js: PROLOGUE },
    footer: { js: EPILOGUE },
    define: { 'import.meta': '__shipshapeImportMeta' },
    plugins: [
      keepImportMeta(serviceDir, scriptFile),
      importsThroughRequire(runtimePackages),
      announceInstrumentedPackages(),
    ],
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'silent',
  }).catch((error: unknown) => {
    throw new BundleError(`esbuild could not bundle ${relative(serviceDir, entry)}: ${String(error)}`)
  })

  const external = listExternalImports(result.metafile, runtimePackages)
  const missing = external.filter((name) => !isResolvableFrom(serviceDir, name))
  if (missing.length > 0)
    throw new BundleError(
      `the bundle leaves ${missing.join(', ')} to node_modules, but ${relative(process.cwd(), serviceDir) || '.'} does not depend on ${missing.length === 1 ? 'it' : 'them'}: ` +
        missing
          .map((name) => `${name} (${RUNTIME_PACKAGES[name] ?? 'asked for with --external'})`)
          .join('; ') +
        '. Add it to the dependencies of the service.',
    )

  const bundle = result.outputFiles.find((file) => file.path === scriptFile)
  if (bundle === undefined) throw new BundleError(`esbuild wrote no ${relative(serviceDir, scriptFile)}`)
  const { code, kept } = toAsciiSource(bundle.text, relative(serviceDir, scriptFile))
  const dynamicImports = checkScript(code, scriptFile)
  const loader = renderLoader({
    script: basename(scriptFile),
    encoding: kept === undefined ? 'latin1' : 'utf8',
    dynamicImports: dynamicImports > 0,
  })
  await mkdir(dirname(outfile), { recursive: true })
  for (const file of result.outputFiles) await writeFile(file.path, file === bundle ? code : file.contents)
  await writeFile(outfile, loader)
  // tsc's map of the entry point it replaced, which describes no line of the loader.
  await rm(`${outfile}.map`, { force: true })
  return {
    outfile,
    script: scriptFile,
    modules: Object.keys(result.metafile.inputs).length,
    bytes: Buffer.byteLength(code),
    dynamicImports,
    external,
    ...(kept === undefined ? {} : { nonAscii: kept }),
  }
}
