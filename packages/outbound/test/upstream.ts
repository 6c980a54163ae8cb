import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type UpstreamHandler = (request: IncomingMessage, response: ServerResponse, hit: number) => void

/** A real HTTP server on 127.0.0.1 whose behaviour a test swaps; it counts hits, closes and peak concurrency. */
export async function startUpstream(initial: UpstreamHandler) {
  const state = {
    handler: initial,
    hits: 0,
    closed: 0,
    active: 0,
    peak: 0,
    headers: [] as IncomingMessage['headers'][],
  }
  const pending = new Set<{ request: IncomingMessage; response: ServerResponse }>()
  const server = createServer((request, response) => {
    const exchange = { request, response }
    pending.add(exchange)
    state.hits += 1
    state.active += 1
    state.peak = Math.max(state.peak, state.active)
    state.headers.push(request.headers)
    response.on('close', () => {
      pending.delete(exchange)
      state.active -= 1
      state.closed += 1
    })
    state.handler(request, response, state.hits)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    /** Requests still waiting for an answer, e.g. held by `hang`. */
    pendingResponses() {
      return [...pending]
    },
    use(handler: UpstreamHandler) {
      state.handler = handler
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export const hang: UpstreamHandler = () => {}

export function reply(status: number, headers: Record<string, string> = {}): UpstreamHandler {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers })
    response.end(JSON.stringify({ status }))
  }
}

export const resetConnection: UpstreamHandler = (request) => {
  request.socket.destroy()
}

/** Records what the client logged, so tests read retry delays and breaker transitions. */
export function createRecordingLogger() {
  const lines: Array<Record<string, unknown> & { message: string }> = []
  const log = (object: Record<string, unknown>, message: string) => {
    lines.push({ ...object, message })
  }
  return { lines, info: log, warn: log }
}
