/**
 * The JavaScript of `dist/`, after tsc has written the declarations (`pnpm build`): each file Node loads is
 * one ES module bundled by esbuild from the sources, so a start resolves and reads a handful of files
 * instead of every module of this package, the OpenTelemetry SDK and the API:
 * - `register.js` (the preload) and `index.js` (what the app imports), this package's code only;
 * - `start-sdk.js`, the provider, the instrumentations and the request spans with the trace SDK, core,
 *   resources, the context manager and the pg instrumentation, `require`d only when tracing starts;
 * - `exporter-otlp-proto.js` and `exporter-otlp-http.js`, one per protocol, loaded only when asked for: the
 *   serializer, and the exporter that hands the bytes to a worker thread;
 * - `export-worker.js`, that worker: the OTLP/HTTP delegate (retries, timeouts, the HTTP client), started
 *   with the first export;
 * - `otel-api.js`, `@opentelemetry/api` as one file (51 modules in node_modules), which every other file
 *   imports: one API instance for the package, as before, and the app's copies share its global state.
 * Everything else is bundled: esbuild fails the build, writing nothing, on an import it cannot bundle.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { join, resolve } from 'node:path'
import { build, type Plugin } from 'esbuild'

const ENTRIES = [
  'register',
  'index',
  'start-sdk',
  'exporter-otlp-proto',
  'exporter-otlp-http',
  'export-worker',
]
const API = '@opentelemetry/api'
/** The API's own file, beside the entries; they import it by this relative name. */
const API_FILE = 'otel-api.js'

/**
 * The bundled ES modules' imports of Node builtins become `require` calls: an ES import of a builtin builds
 * its ES facade, which reads every export, lazy getters included (`fs.promises`, `process.report`, ...),
 * and loads modules nothing uses. A `require` returns the builtin as it is. (`@shipshape/bundle` does the
 * same for services, and more; it depends on this package, so this build cannot import it.)
 */
const builtinsThroughRequire: Plugin = {
  name: 'builtins-through-require',
  setup(build) {
    build.onResolve({ filter: /^[a-z_:/]+$/ }, ({ path, kind }) =>
      kind === 'import-statement' && isBuiltin(path) ? { path, namespace: 'builtin' } : undefined,
    )
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, ({ path }) => ({
      contents: `module.exports = require(${JSON.stringify(path)})`,
      loader: 'js',
    }))
  },
}

/** Every import of the API, from this package's code or a bundled package's, becomes one of `otel-api.js`. */
const apiAsOneFile: Plugin = {
  name: 'api-as-one-file',
  setup(build) {
    build.onResolve({ filter: /^@opentelemetry\/api$/ }, () => ({ path: `./${API_FILE}`, external: true }))
  },
}

const shared = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  // The CommonJS modules bundled (require-in-the-middle and its dependencies) require Node's builtins.
  banner: {
    js: "import { createRequire as __distCreateRequire } from 'node:module';\nconst require = __distCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  write: false,
  logLevel: 'silent',
} as const

/**
 * Builds the JavaScript of `dist/` into `outdir` (default `<packageDir>/dist`), leaving other files (tsc's
 * declarations) alone and removing the JavaScript of an earlier build. Returns each file's size.
 */
export async function buildDist(
  packageDir: string,
  outdir = join(packageDir, 'dist'),
): Promise<Record<string, number>> {
  const [own, api] = await Promise.all([
    build({
      ...shared,
      absWorkingDir: packageDir,
      entryPoints: ENTRIES.map((name) => `src/${name}.ts`),
      outdir,
      plugins: [apiAsOneFile, builtinsThroughRequire],
    }),
    build({
      ...shared,
      absWorkingDir: packageDir,
      stdin: { contents: `export * from '${API}'`, resolveDir: packageDir, sourcefile: API_FILE },
      outfile: join(outdir, API_FILE),
    }),
  ])
  const outputs = [...own.outputFiles, ...api.outputFiles]
  mkdirSync(outdir, { recursive: true })
  for (const name of readdirSync(outdir)) if (/\.js(\.map)?$/.test(name)) rmSync(join(outdir, name))
  const sizes: Record<string, number> = {}
  for (const file of outputs) {
    writeFileSync(file.path, file.contents)
    sizes[file.path.slice(resolve(outdir).length + 1)] = file.contents.byteLength
  }
  return sizes
}

if (import.meta.main) {
  const sizes = await buildDist(import.meta.dirname)
  for (const [file, bytes] of Object.entries(sizes))
    process.stdout.write(`dist/${file}: ${Math.round(bytes / 1024)} KiB\n`)
}
