import { connect } from 'node:net'
import { OptionsError } from '@shipshape/errors'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from '../test/test-server.ts'
import { createServer } from './create-server.ts'

interface Exchange {
  /** Everything the server sent before it closed the connection. */
  text: string
  /** From the first byte sent to the server closing the connection. */
  elapsedMs: number
}

/**
 * Sends `parts` one by one, `gapMs` apart, keeping the connection busy the way a slow-loris client does, and
 * collects the answer. Gives up (resolving what it has) after `giveUpMs`, so a limit that does not hold fails
 * an assertion instead of hanging the test.
 */
function trickle(port: number, parts: string[], gapMs: number, giveUpMs = 10_000): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    let started = 0
    const timers: NodeJS.Timeout[] = []
    const finish = () => {
      for (const timer of timers) clearTimeout(timer)
      socket.destroy()
      resolve({ text, elapsedMs: performance.now() - started })
    }
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      text += chunk
    })
    socket.on('close', finish)
    socket.on('error', () => undefined)
    socket.once('connect', () => {
      started = performance.now()
      parts.forEach((part, index) => {
        timers.push(setTimeout(() => socket.writable && socket.write(part), index * gapMs))
      })
      timers.push(setTimeout(finish, giveUpMs))
    })
    socket.once('error', reject)
  })
}

function expectTimeoutProblem(exchange: Exchange): void {
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
  beforeAll(async () => {
    server = await createTestServer({ headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 })
    server.app.post('/echo', async (request) => request.body)
    await server.app.listen({ port: 0, host: '127.0.0.1' })
    port = (server.app.server.address() as { port: number }).port
  })
  afterAll(() => server.app.close())

  it('answers headers that trickle in past headersTimeoutMs with 408 problem+json within seconds', async () => {
    // A header line every 200 ms: the socket is never idle, the headers never complete.
    const parts = ['GET /healthz HTTP/1.1\r\nHost: localhost\r\n']
    for (let index = 0; index < 40; index++) parts.push(`x-slow-${index}: 1\r\n`)
    const exchange = await trickle(port, parts, 200)
    expectTimeoutProblem(exchange)
    // The 1 s limit holds: not early, and not at Node's 30 s checking interval or 60 s default.
    expect(exchange.elapsedMs).toBeGreaterThanOrEqual(900)
    expect(exchange.elapsedMs).toBeLessThan(5_000)
  })

  it('answers a body that trickles in past requestTimeoutMs with 408 problem+json within seconds', async () => {
    const headers =
      'POST /echo HTTP/1.1\r\nHost: localhost\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n'
    const parts = [headers, ...Array.from({ length: 40 }, () => ' ')]
    const exchange = await trickle(port, parts, 200)
    expectTimeoutProblem(exchange)
    expect(exchange.elapsedMs).toBeGreaterThanOrEqual(1_900)
    expect(exchange.elapsedMs).toBeLessThan(6_000)
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
