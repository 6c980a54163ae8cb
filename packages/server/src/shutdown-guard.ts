import type { FastifyInstance } from 'fastify'
import { ProblemError } from './problem.ts'

function createShuttingDown(): ProblemError {
  return new ProblemError({
    status: 503,
    code: 'unavailable',
    detail: 'The service is shutting down; retry on another instance.',
  })
}

/**
 * From the moment `app.close()` starts, a request that still reaches this instance (pipelined, or on a
 * kept-alive connection) gets a problem+json 503 with `Connection: close`, so the client reconnects to a
 * live instance. Fastify's own `return503OnClosing` answers with a body outside our contract, so it is off.
 * Every other response sent from then on (the in-flight ones) carries `Connection: close` too: Node then
 * ends the socket after it, where a kept-alive socket would sit idle until the server reset it.
 * Idle sockets are ended by Fastify's `forceCloseConnections: 'idle'` when the server closes.
 */
export function registerShutdownGuard(app: FastifyInstance): void {
  let shuttingDown = false
  app.addHook('preClose', (done) => {
    shuttingDown = true
    done()
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (shuttingDown) reply.header('connection', 'close')
    done(null, payload)
  })
  app.addHook('onRequest', (_request, reply, done) => {
    if (!shuttingDown) return done()
    reply.header('connection', 'close')
    done(createShuttingDown())
  })
}
