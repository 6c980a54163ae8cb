import { once } from 'node:events'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts'

// The target: an echo server that also records what reached it.
let echo: Server
let echoPort: number
let received = ''

beforeAll(async () => {
  echo = createServer((socket) => {
    socket.on('error', () => undefined)
    socket.on('data', (chunk) => {
      received += String(chunk)
      socket.write(chunk)
    })
  })
  echo.listen(0, '127.0.0.1')
  await once(echo, 'listening')
  echoPort = (echo.address() as { port: number }).port
})

afterAll(async () => {
  echo.close()
})

let proxy: TcpProxy
const sockets: Socket[] = []

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await proxy.close()
  received = ''
})

async function connect(): Promise<Socket> {
  const socket = createConnection({ host: '127.0.0.1', port: proxy.port })
  sockets.push(socket)
  socket.setEncoding('utf8')
  await once(socket, 'connect')
  return socket
}

/** The first answer on `socket` within `ms`: its data, 'closed' with the error code if it ended, or 'silent'. */
function nextEvent(socket: Socket, ms = 300): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('silent'), ms)
    socket.once('data', (data: string) => {
      clearTimeout(timer)
      resolve(data)
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      resolve(`closed ${error.code}`)
    })
    socket.once('close', () => {
      clearTimeout(timer)
      resolve('closed')
    })
  })
}

describe('startTcpProxy', () => {
  it('passes bytes both ways and rewrites a URL to point at itself', async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: echoPort })
    const socket = await connect()
    socket.write('ping')
    expect(await nextEvent(socket)).toBe('ping')
    expect(proxy.wrapUrl('postgres://u:p@db.internal:5432/app')).toBe(
      `postgres://u:p@127.0.0.1:${proxy.port}/app`,
    )
  })

  it('refuse: resets open connections at once, and new ones on arrival', async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: echoPort })
    const open = await connect()
    const pending = nextEvent(open, 1_000)
    proxy.setMode('refuse')
    expect(await pending).toMatch(/^closed/)
    const refused = createConnection({ host: '127.0.0.1', port: proxy.port })
    sockets.push(refused)
    expect(await nextEvent(refused, 1_000)).toMatch(/^closed/)
    proxy.setMode('pass')
    const again = await connect()
    again.write('back')
    expect(await nextEvent(again)).toBe('back')
  })

  it('drop: accepts, answers nothing and forwards nothing, both on open and on new connections', async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: echoPort })
    const open = await connect()
    const idle = await connect()
    proxy.setMode('drop')
    open.write('lost')
    expect(await nextEvent(open)).toBe('silent')
    const fresh = await connect()
    fresh.write('also lost')
    expect(await nextEvent(fresh)).toBe('silent')
    expect(received).toBe('')
    // Healing: the connections that lost bytes are reset; one that sent nothing meanwhile carries on.
    const openEnds = nextEvent(open, 1_000)
    const freshEnds = nextEvent(fresh, 1_000)
    proxy.setMode('pass')
    expect(await openEnds).toMatch(/^closed/)
    expect(await freshEnds).toMatch(/^closed/)
    idle.write('still here')
    expect(await nextEvent(idle)).toBe('still here')
    expect(proxy.accepted).toBe(3)
  })
})
