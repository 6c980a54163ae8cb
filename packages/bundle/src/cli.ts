#!/usr/bin/env node
import { relative } from 'node:path'
import { parseArgs } from 'node:util'
import { runCli } from './_run-cli.ts'
import { BundleError, bundleService } from './bundle-service.ts'

const USAGE = `Usage: shipshape-bundle [--entry dist/server.js] [--outfile <path>] [--external <package>]...

Bundles the service in the working directory (its compiled entry point and what it imports) into one ES
module, in place unless --outfile is given. Run after tsc, as the service's build script does.
--external leaves one more of the service's dependencies to node_modules (native code, files beside it).`

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      entry: { type: 'string' },
      outfile: { type: 'string' },
      external: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const result = await bundleService({
    entry: values.entry,
    outfile: values.outfile,
    external: values.external,
  })
  const size = (result.bytes / 1024 / 1024).toFixed(1)
  const left = result.external.length === 0 ? 'nothing' : result.external.join(', ')
  process.stdout.write(
    `bundled ${relative(process.cwd(), result.outfile)}: ${result.modules} modules, ${size} MiB; left to node_modules: ${left}\n`,
  )
  // Not a failure: the bundle works, V8 only holds its source at two bytes a character.
  if (result.nonAscii !== undefined)
    process.stdout.write(`note: the bundle is not ASCII only (${result.nonAscii}), so it takes more memory\n`)
  return 0
}

runCli('shipshape-bundle', main, BundleError)
