import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { stringify } from 'safe-stable-stringify'

/**
 * SHA-256 over the method, the URL as sent (path and query) and the body. A parsed JSON body is hashed in
 * its canonical form (keys sorted), so re-serialising the same object on retry gives the same fingerprint;
 * a raw body (Buffer or string) is hashed byte for byte.
 */
export function computeFingerprint(request: FastifyRequest): string {
  const hash = createHash('sha256')
  hash.update(`${request.method}\n${request.url}\n`)
  hash.update(getCanonicalBody(request.body))
  return hash.digest('hex')
}

function getCanonicalBody(body: unknown): Buffer | string {
  if (body === undefined || body === null) return ''
  if (Buffer.isBuffer(body) || typeof body === 'string') return body
  return stringify(body) ?? ''
}
