import { cp, rm } from 'node:fs/promises'
import { build } from 'esbuild'
import { readPins } from './read-pins.ts'

// One file with no runtime dependencies (npm create downloads nothing else), runnable on Node 20, plus the
// workspace template. The pins are read from this repository now, so no version is written twice.
const packageDir = new URL('./', import.meta.url)
const repo = new URL('../../', packageDir)
const pins = await readPins()

const dist = new URL('dist/', packageDir)
await rm(dist, { recursive: true, force: true })
await build({
  entryPoints: [new URL('src/index.ts', packageDir).pathname],
  outfile: new URL('index.js', dist).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  alias: { '@shipshape/generator/answers': new URL('../generator/src/answers.ts', packageDir).pathname },
  define: { __SHIPSHAPE_PINS__: JSON.stringify(pins) },
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
})
await cp(new URL('template/', packageDir), new URL('template/', dist), { recursive: true })
// The workspace bootstraps its toolchain with the very script this repository uses.
await cp(
  new URL('tooling/scripts/bootstrap.sh', repo),
  new URL('template/tooling/scripts/bootstrap.sh', dist),
)
