import { connect } from 'node:net'
import { OptionsError } from '@shipshape/errors'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from '../test/test-server.ts'
import { createServer } from './create-server.ts'

interface Exchange {
  /** Everything the server sent before the connection closed. */
  text: string
  /** From the first byte sent to the server closing the connection. */
  elapsedMs: number
  /** The socket error the client saw (a reset, a write into a closed connection), if any. */
  error?: string
}

interface TrickleOptions {
  gapMs: number
  /** Gives up (resolving what it has) after this long, so a limit that does not hold fails an assertion. */
  giveUpMs?: number
  /**
   * Keeps sending after the server has finished its answer (`allowHalfOpen`): `afterAnswer` is written once
   * the server's side has ended, and the client ends its own half a second later, time enough for a server
   * still parsing to run a route on it.
   */
  afterAnswer?: string
}

/**
 * Sends `parts` one by one, `gapMs` apart, keeping the connection busy the way a slow-loris client does, and
 * collects the answer and any socket error.
 */
function trickle(port: number, parts: string[], options: TrickleOptions): Promise<Exchange> {
  const { gapMs, giveUpMs = 10_000, afterAnswer } = options
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: afterAnswer !== undefined })
    let text = ''
    let error: string | undefined
    let started = 0
    const timers: NodeJS.Timeout[] = []
    const finish = () => {
      for (const timer of timers) clearTimeout(timer)
      socket.destroy()
      resolve({ text, elapsedMs: performance.now() - started, ...(error && { error }) })
    }
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      text += chunk
    })
    socket.on('end', () => {
      for (const timer of timers) clearTimeout(timer)
      if (afterAnswer === undefined) return
      socket.write(afterAnswer)
      timers.push(setTimeout(() => socket.end(), 500))
    })
    socket.on('close', finish)
    socket.once('connect', () => {
      started = performance.now()
      socket.on('error', (cause: NodeJS.ErrnoException) => {
        error = cause.code ?? cause.message
      })
      parts.forEach((part, index) => {
        timers.push(setTimeout(() => socket.writable && socket.write(part), index * gapMs))
      })
      timers.push(setTimeout(finish, giveUpMs))
    })
    socket.once('error', (cause) => started === 0 && reject(cause))
  })
}

/** The head of a JSON `POST /echo` whose body is `contentLength` bytes. */
function postEchoHead(contentLength: number): string {
  return `POST /echo HTTP/1.1\r\nHost: localhost\r\ncontent-type: application/json\r\ncontent-length: ${contentLength}\r\n\r\n`
}

function expectTimeoutProblem(exchange: Exchange): void {
  // Read to the end: a reset would have cut the answer off (or discarded it unread).
  expect(exchange.error).toBeUndefined()
  expect(exchange.text).toMatch(/^HTTP\/1\.1 408 /)
  expect(exchange.text).toMatch(/\r\ncontent-type: application\/problem\+json/i)
  expect(exchange.text).toMatch(/\r\nx-content-type-options: nosniff\r\n/i)
  expect(exchange.text).toMatch(/\r\nconnection: close\r\n/i)
  const body = JSON.parse(exchange.text.slice(exchange.text.indexOf('\r\n\r\n') + 4)) as object
  expect(body).toMatchObject({ status: 408, code: 'request_timeout', requestId: expect.any(String) })
}

describe('header and body timeouts on a real socket', () => {
  let server: TestServer
  let port: number
  let handled = 0
  beforeAll(async () => {
    server = await createTestServer({ headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 })
    server.app.post('/echo', async (request) => {
      handled++
      return request.body
    })
    await server.app.listen({ port: 0, host: '127.0.0.1' })
    port = (server.app.server.address() as { port: number }).port
  })
  afterAll(() => server.app.close())

  it('answers headers that trickle in past headersTimeoutMs with 408 problem+json within seconds', async () => {
    // A header line every 200 ms: the socket is never idle, the headers never complete.
    const parts = ['GET /healthz HTTP/1.1\r\nHost: localhost\r\n']
    for (let index = 0; index < 40; index++) parts.push(`x-slow-${index}: 1\r\n`)
    const exchange = await trickle(port, parts, { gapMs: 200 })
    expectTimeoutProblem(exchange)
    // The 1 s limit holds: not early, and not at Node's 30 s checking interval or 60 s default.
    expect(exchange.elapsedMs).toBeGreaterThanOrEqual(900)
    expect(exchange.elapsedMs).toBeLessThan(5_000)
  })

  it('answers a body that trickles in past requestTimeoutMs with 408 problem+json within seconds', async () => {
    const headers = postEchoHead(100)
    const parts = [headers, ...Array.from({ length: 40 }, () => ' ')]
    const exchange = await trickle(port, parts, { gapMs: 200 })
    expectTimeoutProblem(exchange)
    expect(exchange.elapsedMs).toBeGreaterThanOrEqual(1_900)
    expect(exchange.elapsedMs).toBeLessThan(6_000)
  })

  it('lets a client that never stops sending read the 408 to its end, not a reset', async () => {
    // A byte every 2 ms: whenever the limit strikes, more of the body is on its way or unread on the server.
    const headers = postEchoHead(60000)
    const parts = [headers, ...Array.from({ length: 2_000 }, () => ' ')]
    const exchange = await trickle(port, parts, { gapMs: 2 })
    expectTimeoutProblem(exchange)
  })

  it('reads nothing more on a connection it answered with 408: a body or request sent after it is dropped', async () => {
    handled = 0
    const headers = postEchoHead(4)
    // The body completes only after the answer, and a whole second request follows it.
    const late = `{ }\n${postEchoHead(2)}{}`
    const exchange = await trickle(port, [headers], { gapMs: 200, afterAnswer: late })
    expectTimeoutProblem(exchange)
    expect(exchange.text.match(/HTTP\/1\.1 /g)).toHaveLength(1)
    expect(handled).toBe(0)
  })

  it('closes a connection that goes on sending after its 408 about two seconds later', async () => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true })
    socket.on('error', () => undefined)
    socket.resume()
    socket.write(postEchoHead(60000))
    // Half a byte a millisecond, never ending, the 408 notwithstanding.
    const sending = setInterval(() => socket.writable && socket.write(' '), 2)
    const answered = new Promise<number>((resolve) => socket.once('end', () => resolve(performance.now())))
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())))
    const lingeredMs = (await closed) - (await answered)
    clearInterval(sending)
    // Not closed at once (a destroy right after the answer), nor left open: LINGER_MS is 2 s.
    expect(lingeredMs).toBeGreaterThanOrEqual(1_000)
    expect(lingeredMs).toBeLessThan(5_000)
  })

  it('passes both limits to Node when the server is created, defaulting to 30 s', async () => {
    expect(server.app.server.headersTimeout).toBe(1_000)
    expect(server.app.server.requestTimeout).toBe(2_000)
    const defaults = await createServer({ name: 'defaults', logger: { level: 'silent' } })
    await defaults.ready()
    expect(defaults.server.headersTimeout).toBe(30_000)
    expect(defaults.server.requestTimeout).toBe(30_000)
    await defaults.close()
  })

  it('refuses a headers timeout longer than the request timeout', async () => {
    const inverted = createServer({ name: 't', headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 })
    await expect(inverted).rejects.toBeInstanceOf(OptionsError)
    await expect(inverted).rejects.toMatchObject({ code: 'SHIPSHAPE_SERVER_TIMEOUTS_INVALID' })
  })
})
