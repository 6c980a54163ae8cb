import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ProblemError, toProblemBody } from './problem.ts'
import { type MapError, toProblem } from './to-problem.ts'

export interface ErrorHandlingOptions {
  mapError: MapError | undefined
  writeHeaders: (request: FastifyRequest, reply: FastifyReply) => void
  recordFault: (request: FastifyRequest, error: unknown) => void
}

const NOT_FOUND = new ProblemError({
  status: 404,
  code: 'not_found',
  detail: 'No route matches this method and path.',
})

/**
 * One boundary turns every failure into problem+json: route errors, hook errors, 404s. The body is sent as a
 * string, so a route's own response schema cannot reshape or drop problem members.
 */
export function registerErrorHandling(app: FastifyInstance, options: ErrorHandlingOptions): void {
  app.setErrorHandler((error, request, reply) => {
    const { problem, isServerFault } = toProblem(error, options.mapError)
    if (isServerFault && problem.cause !== undefined) options.recordFault(request, problem.cause)
    sendProblem(request, reply, problem)
  })
  app.setNotFoundHandler((request, reply) => {
    sendProblem(request, reply, NOT_FOUND)
  })
}

/**
 * Fastify answers router-level failures (bad percent-encoding, over-long parameters) before any hook runs;
 * this answers them in our format and with our headers. No plugin's hook sees these answers either (auth's
 * no-store for /auth, say), so they are no-store themselves: an error about a malformed URL is never worth
 * caching.
 */
export function createFrameworkErrorHandler(writeHeaders: ErrorHandlingOptions['writeHeaders']) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    writeHeaders(request, reply)
    reply.header('cache-control', 'no-store')
    const { problem, isServerFault } = toProblem(error, undefined)
    if (isServerFault) request.log.error({ err: error }, 'request failed')
    sendProblem(request, reply, problem)
  }
}

// A 503 is temporary by definition (a dependency down, a drain): the contract has it say when to retry. A
// handler that knows better (load shedding, a throttle) sets its own before the error reaches this point.
const RETRY_AFTER_SECONDS = '1'

function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ProblemError): void {
  if (problem.status === 503 && !reply.hasHeader('retry-after'))
    reply.header('retry-after', RETRY_AFTER_SECONDS)
  reply
    .code(problem.status)
    .type('application/problem+json')
    .send(JSON.stringify(toProblemBody(problem, request.id)))
}
