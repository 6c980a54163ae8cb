/**
 * The second step of `pnpm build`, after tsc: bundles the OpenTelemetry SDK the package loads when tracing
 * starts into one file per entry, in place (`dist/sdk.js` and one file per OTLP exporter), and the API into
 * one of its own (`dist/api.js`), which every module of the package and the SDK bundles import instead of
 * `@opentelemetry/api`. Starting tracing then reads a few files instead of some 400 CommonJS modules and the
 * API's ~50 ES modules (~20 ms of CPU at start). The app's copy of the API (bundled into the service, or from
 * node_modules) shares its state with this one through the API's global registry, as copies of one major
 * version do. Fails the build when a bundle still imports a package or a module still imports the API.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { build, type Plugin } from 'esbuild'

const ENTRIES = ['dist/sdk.js', 'dist/exporter-otlp-proto.js', 'dist/exporter-otlp-http.js']
const API = '@opentelemetry/api'
const API_FILE = 'dist/api.js'

// tsc's source maps describe the files replaced here.
for (const entry of ENTRIES) rmSync(`${entry}.map`, { force: true })

/**
 * The bundled ES modules' imports of Node builtins become `require` calls: an ES import of a builtin builds
 * its ES facade, which reads every export, lazy getters included (`fs.promises`, `process.report`, ...),
 * and loads modules nothing uses. A `require` returns the builtin as it is.
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

/** The API, imported from its one file beside the bundles (they are written into `dist/` too). */
const apiFromItsFile: Plugin = {
  name: 'api-from-its-file',
  setup(build) {
    build.onResolve({ filter: /^@opentelemetry\/api$/ }, () => ({ path: './api.js', external: true }))
  },
}

const api = await build({
  stdin: { contents: `export * from '${API}'`, resolveDir: '.', sourcefile: 'api.js' },
  outfile: API_FILE,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
})

const result = await build({
  entryPoints: ENTRIES,
  outdir: 'dist',
  allowOverwrite: true,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  // The CommonJS modules bundled (require-in-the-middle and its dependencies) require Node's builtins.
  banner: {
    js: "import { createRequire as __sdkCreateRequire } from 'node:module';\nconst require = __sdkCreateRequire(import.meta.url);",
  },
  plugins: [builtinsThroughRequire, apiFromItsFile],
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
})

// tsc's modules: the API from its file too. tsc writes each import of it as `from '@opentelemetry/api';`.
const API_IMPORT = /(\bfrom\s*)(['"])@opentelemetry\/api\2/g
const modules = readdirSync('dist').filter(
  (name) => name.endsWith('.js') && ![...ENTRIES, API_FILE].includes(`dist/${name}`),
)
for (const name of modules) {
  const file = `dist/${name}`
  const code = readFileSync(file, 'utf8')
  const rewritten = code.replace(API_IMPORT, "$1'./api.js'")
  if (rewritten !== code) writeFileSync(file, rewritten)
}

const problems: string[] = []
// Every import and literal require() esbuild left out; a require() of a computed name it cannot see.
for (const [file, output] of Object.entries({ ...api.metafile.outputs, ...result.metafile.outputs }))
  for (const imported of output.imports)
    if (imported.external && !isBuiltin(imported.path) && imported.path !== './api.js')
      problems.push(`${file} ${imported.kind} ${imported.path}`)
// And any mention of the package left in a module, whatever form an import of it took.
for (const name of readdirSync('dist').filter((each) => each.endsWith('.js'))) {
  const code = readFileSync(`dist/${name}`, 'utf8')
  if (code.includes(`'${API}'`) || code.includes(`"${API}"`))
    problems.push(`dist/${name} still imports ${API}`)
}
if (problems.length > 0) throw new Error(`the bundles are not self-contained:\n${problems.join('\n')}`)
for (const [file, output] of Object.entries({ ...api.metafile.outputs, ...result.metafile.outputs }))
  process.stdout.write(
    `${file}: ${Object.keys(output.inputs).length} modules, ${Math.round(output.bytes / 1024)} KiB\n`,
  )
