#!/usr/bin/env node
import { relative } from 'node:path'
import { parseArgs } from 'node:util'
import { runCli } from './_run-cli.ts'
import { CompileCacheError, DEFAULT_CACHE_DIR, makeCompileCache } from './compile-cache.ts'

const USAGE = `Usage: shipshape-compile-cache [--dir <service>] [--user <uid>:<gid>] [--cache-dir ${DEFAULT_CACHE_DIR}] -- <CMD's node arguments>

Makes the compile cache of the service in --dir (default: the working directory; in an image's build
stage, pnpm deploy's output) by starting it as the CMD does, in development mode and with no database
reached, until it asks to listen: Node's compile cache of its modules, and the code cache of its bundle
(shipshape-bundle), which holds what the start compiled. The cache is portable: copy it with the service
and start with NODE_COMPILE_CACHE=<dir>/${DEFAULT_CACHE_DIR} and NODE_COMPILE_CACHE_PORTABLE=1. Node keeps a
cache per user: --user makes it as the image's USER (as root). Example, in the Dockerfile's build stage:

  shipshape-compile-cache --dir /deploy --user 1000:1000 -- --import @shipshape/telemetry/register dist/server.js`

function parseUser(value: string | undefined): { uid: number; gid: number } | undefined {
  if (value === undefined) return undefined
  const match = /^(\d+):(\d+)$/.exec(value)
  if (match === null) throw new CompileCacheError(`--user must be numeric <uid>:<gid>, as USER is: ${value}`)
  return { uid: Number(match[1]), gid: Number(match[2]) }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      dir: { type: 'string' },
      'cache-dir': { type: 'string' },
      user: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  if (positionals.length === 0) throw new CompileCacheError(`no entry point given\n\n${USAGE}`)
  const result = await makeCompileCache({
    dir: values.dir,
    cacheDir: values['cache-dir'],
    user: parseUser(values.user),
    args: positionals,
  })
  const codeCache =
    result.codeCache === undefined
      ? ''
      : `; code cache of the bundle ${(result.codeCache.bytes / 1024 / 1024).toFixed(1)} MiB`
  process.stdout.write(
    `compile cache ${relative(process.cwd(), result.directory) || '.'}: ${result.modules} modules${codeCache}\n`,
  )
  // Not a failure: the cache works, it holds less of the start.
  if (result.stoppedEarly !== undefined)
    process.stdout.write(
      `note: the service stopped before it listened (${result.stoppedEarly}), so the code cache holds only what its start compiled until then\n`,
    )
  return 0
}

runCli('shipshape-compile-cache', main, CompileCacheError)
