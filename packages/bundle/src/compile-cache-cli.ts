#!/usr/bin/env node
import { relative } from 'node:path'
import { parseArgs } from 'node:util'
import { runCli } from './_run-cli.ts'
import { CompileCacheError, DEFAULT_CACHE_DIR, makeCompileCache } from './compile-cache.ts'

const USAGE = `Usage: shipshape-compile-cache [--dir <service>] [--user <uid>:<gid>] [--cache-dir ${DEFAULT_CACHE_DIR}] -- <CMD's node arguments>

Makes Node's compile cache of the service in --dir (default: the working directory; in an image's build
stage, pnpm deploy's output) by loading its entry point as the CMD does, without running it. The cache is
portable: copy it with the service and start with NODE_COMPILE_CACHE=<dir>/${DEFAULT_CACHE_DIR} and
NODE_COMPILE_CACHE_PORTABLE=1. Node keeps a cache per user: --user makes it as the image's USER (as root).
Example, in the Dockerfile's build stage:

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
  process.stdout.write(
    `compile cache ${relative(process.cwd(), result.directory) || '.'}: ${result.modules} modules\n`,
  )
  return 0
}

runCli('shipshape-compile-cache', main, CompileCacheError)
