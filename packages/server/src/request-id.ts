import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * Keeps a caller's `x-request-id` only when it is short and plain, so it cannot inject log lines, headers or
 * markup; anything else is replaced with a fresh UUID.
 */
export function getRequestId(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id']
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID()
}
