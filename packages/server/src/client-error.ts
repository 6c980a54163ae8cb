import { randomUUID } from 'node:crypto'
import type { Socket } from 'node:net'
import type { FastifyBaseLogger } from 'fastify'
import { getStatusTitle, ProblemError, toProblemBody } from './problem.ts'

interface ClientError extends Error {
  code?: string
}

const PROBLEMS: Readonly<Record<string, { status: number; code: string; detail: string }>> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'request_timeout',
    detail: 'The request headers or body did not arrive in time.',
  },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'request_header_fields_too_large',
    detail: 'The request headers are larger than this server accepts.',
  },
}

const MALFORMED = { status: 400, code: 'bad_request', detail: 'The request is not valid HTTP.' }

/**
 * Node answers requests it cannot hand to Fastify (a header or request timeout, headers too large,
 * unparsable HTTP) on the raw socket; Fastify's default writes its own JSON. This writes problem+json with
 * the contract's headers instead, then closes the connection: after such an error its framing is lost.
 */
export function createClientErrorHandler(securityHeaders: Readonly<Record<string, string>>) {
  const staticHeaders = Object.entries(securityHeaders)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
  return function handleClientError(this: { log: FastifyBaseLogger }, error: ClientError, socket: Socket) {
    // A reset connection, or one already gone, has nobody left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return
    const known = (error.code !== undefined && PROBLEMS[error.code]) || MALFORMED
    const requestId = randomUUID()
    const problem = new ProblemError(known)
    const body = JSON.stringify(toProblemBody(problem, requestId))
    this.log.info({ requestId, statusCode: known.status, code: error.code }, 'client error')
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${known.status} ${getStatusTitle(known.status)}\r\n` +
          'content-type: application/problem+json; charset=utf-8\r\n' +
          `content-length: ${Buffer.byteLength(body)}\r\n` +
          staticHeaders +
          `x-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
      )
    }
    socket.destroy()
  }
}
