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

/** How long a client may go on sending after its error answer before the connection is closed regardless. */
const LINGER_MS = 2_000

/** Sockets already answered: Node reports a second error on one when the client ends mid-request. */
const answered = new WeakSet<Socket>()

const discard = () => undefined

/**
 * Node answers requests it cannot hand to Fastify (a header or request timeout, headers too large,
 * unparsable HTTP) on the raw socket; Fastify's default writes its own JSON. This writes problem+json with
 * the contract's headers instead, then closes the connection: after such an error its framing is lost.
 *
 * It closes the way a lingering close does. Destroying the socket at once, as Node's own handler does, makes
 * the kernel answer whatever the client is still sending (a slow body, the rest of oversized headers) with a
 * reset, and a client that is still writing then sees ECONNRESET or EPIPE instead of the answer. So the
 * answer goes out with a FIN, and what arrives after it is read and dropped, away from the HTTP parser (no
 * request on this connection reaches a route any more), until the client ends its side or `LINGER_MS` passes.
 */
export function createClientErrorHandler(securityHeaders: Readonly<Record<string, string>>) {
  const staticHeaders = Object.entries(securityHeaders)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
  return function handleClientError(this: { log: FastifyBaseLogger }, error: ClientError, socket: Socket) {
    // A reset connection, or one already gone, has nobody left to answer; an answered one is closing.
    if (error.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return
    answered.add(socket)
    const known = (error.code !== undefined && PROBLEMS[error.code]) || MALFORMED
    const requestId = randomUUID()
    const problem = new ProblemError(known)
    const body = JSON.stringify(toProblemBody(problem, requestId))
    this.log.info({ requestId, statusCode: known.status, code: error.code }, 'client error')
    if (!socket.writable) {
      socket.destroy()
      return
    }
    lingerAfter(
      socket,
      `HTTP/1.1 ${known.status} ${getStatusTitle(known.status)}\r\n` +
        'content-type: application/problem+json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        staticHeaders +
        `x-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
    )
  }
}

/** Sends `answer` and the FIN, then drains the socket until the client ends or `LINGER_MS` passes. */
function lingerAfter(socket: Socket, answer: string): void {
  // Node's HTTP server feeds the parser from the socket's handle and 'data'; adding a 'data' listener takes
  // the handle back from the parser (as Node does itself on an upgrade), removing the others stops the rest.
  socket.removeAllListeners('data')
  socket.on('data', discard)
  socket.end(answer)
  socket.resume()
  const deadline = setTimeout(() => socket.destroy(), LINGER_MS)
  deadline.unref()
  socket.once('close', () => clearTimeout(deadline))
}
