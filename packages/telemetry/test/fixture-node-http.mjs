// An ESM app with no framework in between: `node:http` imported straight from ESM still makes server spans
// (the preload wraps the servers' prototype, whatever loaded the module).
import { createServer } from 'node:http'
import { shutdownTelemetry } from '@shipshape/telemetry'

const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}')
})

// SHUTDOWN_DEADLINE_MS: stop waiting for the flush then, as startServer's onShutdown signal does.
const deadlineMs = process.env.SHUTDOWN_DEADLINE_MS
process.once('SIGTERM', () => {
  server.close(async () => {
    await shutdownTelemetry(
      deadlineMs === undefined ? undefined : { signal: AbortSignal.timeout(Number(deadlineMs)) },
    )
    process.exit(0)
  })
})

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`)
})
