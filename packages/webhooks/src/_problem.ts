import type { FastifyReply, FastifyRequest } from 'fastify'

interface Problem {
  readonly status: number
  readonly code: string
  readonly title: string
  readonly detail?: string
}

/**
 * Answers with RFC 9457 problem+json from inside the route. A refused delivery is an expected outcome, so it
 * is a reply rather than a thrown error, and the body never says which secret or signature was tried.
 */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send({ type: 'about:blank', ...problem, requestId: request.id })
}
