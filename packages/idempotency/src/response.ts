import type { FastifyReply } from 'fastify'
import type { IdempotencyKeyRow } from './schema.ts'
import type { StoredResponse } from './store.ts'

/** Turns the serialised payload onSend receives into bytes; a stream is read to its end. */
export async function readPayload(payload: unknown): Promise<Buffer> {
  if (payload === undefined || payload === null) return Buffer.alloc(0)
  if (Buffer.isBuffer(payload)) return payload
  if (typeof payload === 'string') return Buffer.from(payload)
  if (payload instanceof Uint8Array) return Buffer.from(payload)
  if (!isAsyncIterable(payload)) throw new TypeError('unsupported reply payload')
  const chunks: Buffer[] = []
  for await (const chunk of payload) chunks.push(Buffer.from(chunk as Uint8Array | string))
  return Buffer.concat(chunks)
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value
}

export function captureResponse(
  reply: FastifyReply,
  body: Buffer,
  headerNames: readonly string[],
): StoredResponse {
  const headers: Record<string, string> = {}
  for (const name of headerNames) {
    const value = reply.getHeader(name)
    if (typeof value === 'string' || typeof value === 'number') headers[name] = String(value)
  }
  return { status: reply.statusCode, headers, body }
}

/** Sends a stored response again: same status, the stored headers and the exact stored bytes. */
export function sendStoredResponse(reply: FastifyReply, row: IdempotencyKeyRow): FastifyReply {
  const body = Buffer.from(row.responseBody ?? new Uint8Array())
  return reply
    .code(row.responseStatus ?? 200)
    .headers(row.responseHeaders ?? {})
    .header('idempotent-replayed', 'true')
    .send(body)
}
