/**
 * The second step of `pnpm build`, after tsc: bundles the OpenTelemetry SDK the package loads when tracing
 * starts into one file per entry, in place (`dist/sdk.js` and one file per OTLP exporter), leaving
 * `@opentelemetry/api` to node_modules so the app and the SDK share one API. Starting tracing then reads
 * three files instead of some 400 CommonJS modules. Fails the build when a bundle still imports a package.
 */
import { rmSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { build, type Plugin } from 'esbuild'

const ENTRIES = ['dist/sdk.js', 'dist/exporter-otlp-proto.js', 'dist/exporter-otlp-http.js']
// The one package left out: the API keeps its global state in one module graph with the app's.
const EXTERNAL = ['@opentelemetry/api']

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

const result = await build({
  entryPoints: ENTRIES,
  outdir: 'dist',
  allowOverwrite: true,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  external: EXTERNAL,
  // The CommonJS modules bundled (require-in-the-middle and its dependencies) require Node's builtins.
  banner: {
    js: "import { createRequire as __sdkCreateRequire } from 'node:module';\nconst require = __sdkCreateRequire(import.meta.url);",
  },
  plugins: [builtinsThroughRequire],
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
})

const problems: string[] = []
// Every import and literal require() esbuild left out; a require() of a computed name it cannot see.
for (const [file, output] of Object.entries(result.metafile.outputs))
  for (const imported of output.imports)
    if (imported.external && !isBuiltin(imported.path) && !EXTERNAL.includes(imported.path))
      problems.push(`${file} ${imported.kind} ${imported.path}`)
if (problems.length > 0) throw new Error(`the SDK bundle is not self-contained:\n${problems.join('\n')}`)
for (const [file, output] of Object.entries(result.metafile.outputs))
  process.stdout.write(
    `${file}: ${Object.keys(output.inputs).length} modules, ${Math.round(output.bytes / 1024)} KiB\n`,
  )
