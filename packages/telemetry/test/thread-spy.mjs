// Preload for every thread (NODE_OPTIONS): a thread other than the main one says on stderr when it loads
// the telemetry package's start-sdk.ts, which only a started SDK reads.
import { registerHooks } from 'node:module'
import { isMainThread } from 'node:worker_threads'

if (!isMainThread)
  registerHooks({
    resolve(specifier, context, next) {
      const resolved = next(specifier, context)
      if (/\/telemetry\/src\/start-sdk\.ts$/.test(resolved.url))
        process.stderr.write(`worker loaded ${resolved.url.split('/').at(-1)}\n`)
      return resolved
    },
  })
