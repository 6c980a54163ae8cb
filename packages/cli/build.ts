import { cp, rm } from 'node:fs/promises'
import { build } from 'esbuild'

// The published CLI is one file with the generator bundled in (the generator is not published on its own),
// plus a copy of templates/: `npx shipshape` then needs nothing from this repository.
const packageDir = new URL('./', import.meta.url)
await rm(new URL('dist', packageDir), { recursive: true, force: true })
await rm(new URL('templates', packageDir), { recursive: true, force: true })
await build({
  entryPoints: [new URL('src/bin.ts', packageDir).pathname],
  outfile: new URL('dist/shipshape.js', packageDir).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  packages: 'external',
  alias: {
    '@shipshape/generator': new URL('../generator/src/index.ts', packageDir).pathname,
    // The doctor, and the config package it reads the service variables from, are bundled too: `npx shipshape`
    // then installs only third-party packages (their own dependencies are the CLI's).
    '@shipshape/doctor': new URL('../doctor/src/index.ts', packageDir).pathname,
    '@shipshape/config': new URL('../config/src/index.ts', packageDir).pathname,
    // The variables auth and webhooks bring to a schema: modules that import only @shipshape/config.
    '@shipshape/auth/env': new URL('../auth/src/env.ts', packageDir).pathname,
    '@shipshape/webhooks/env': new URL('../webhooks/src/env.ts', packageDir).pathname,
  },
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
})
await cp(new URL('../../templates', packageDir), new URL('templates', packageDir), { recursive: true })
