import { ProblemError, type ProblemInit, toProblemBody } from '@shipshape/errors'
import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * Answers with RFC 9457 problem+json from inside the route. A refused delivery is an expected outcome, so it
 * is a reply rather than a thrown error, and the body never says which secret or signature was tried. The
 * body is the one every @shipshape problem has (`toProblemBody`): the title comes from the status.
 */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, init: ProblemInit): FastifyReply {
  return reply
    .code(init.status)
    .type('application/problem+json')
    .send(toProblemBody(new ProblemError(init), request.id))
}
