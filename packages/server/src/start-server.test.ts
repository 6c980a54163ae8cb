import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'
import { waitFor } from './_test-helpers.ts'
import { createServer } from './create-server.ts'
import { startServer } from './start-server.ts'

interface Child {
  process: ChildProcess
  events: Record<string, unknown>[]
  port: number
  exit: Promise<number | null>
}

async function startChild(graceMs: number, slowMs: number): Promise<Child> {
  const fixture = new URL('./_test-slow-server.ts', import.meta.url).pathname
  const child = spawn(process.execPath, [fixture, String(graceMs), String(slowMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const events: Record<string, unknown>[] = []
  if (child.stdout === null) throw new Error('child has no stdout')
  createInterface({ input: child.stdout }).on('line', (line) =>
    events.push(JSON.parse(line) as Record<string, unknown>),
  )
  const exit = once(child, 'exit').then(([code]) => code as number | null)
  await waitFor(() => events.some((event) => event.event === 'listening'), 20_000)
  const url = events.find((event) => event.event === 'listening')?.url as string
  return { process: child, events, port: Number(new URL(url).port), exit }
}

function openSocket(
  port: number,
): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      text += chunk
    })
    const closed = new Promise<void>((resolveClosed) => socket.once('close', () => resolveClosed()))
    socket.once('connect', () => resolve({ socket, received: () => text, closed }))
    socket.once('error', reject)
  })
}

async function isRefused(port: number): Promise<boolean> {
  return openSocket(port).then(
    ({ socket }) => {
      socket.destroy()
      return false
    },
    () => true,
  )
}

describe('startServer shutdown over real sockets', () => {
  it('on SIGTERM finishes the in-flight request, answers /readyz on its kept-alive socket with 503 + Connection: close, and exits 0', async () => {
    const child = await startChild(10_000, 3_000)
    const connection = await openSocket(child.port)
    connection.socket.write('GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n')
    await waitFor(() => child.events.some((event) => event.msg === 'slow request started'))
    child.process.kill('SIGTERM')
    await waitFor(() => isRefused(child.port))
    connection.socket.write('GET /readyz HTTP/1.1\r\nHost: localhost\r\n\r\n')
    await connection.closed
    const [slow, late] = connection.received().split(/(?=HTTP\/1\.1 )/)
    expect(slow).toMatch(/^HTTP\/1\.1 200 /)
    expect(slow).toContain('{"done":true}')
    expect(late).toMatch(/^HTTP\/1\.1 503 /)
    expect(late).toMatch(/\r\nconnection: close\r\n/i)
    expect(late).toMatch(/\r\ncontent-type: application\/problem\+json/i)
    expect(late).toContain('"code":"unavailable"')
    expect(await child.exit).toBe(0)
    const order = child.events.map((event) => event.event ?? event.msg)
    expect(order.indexOf('onClose')).toBeLessThan(order.indexOf('onShutdown'))
    expect(order).toContain('shutdown complete')
  })

  it('on SIGINT with nothing in flight exits 0 after onShutdown', async () => {
    const child = await startChild(10_000, 0)
    child.process.kill('SIGINT')
    expect(await child.exit).toBe(0)
    expect(child.events.map((event) => event.event)).toContain('onShutdown')
  })

  it('exits 1 when in-flight work outlasts the grace period', async () => {
    const child = await startChild(300, 30_000)
    const connection = await openSocket(child.port)
    connection.socket.write('GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n')
    await waitFor(() => child.events.some((event) => event.msg === 'slow request started'))
    child.process.kill('SIGTERM')
    expect(await child.exit).toBe(1)
    expect(child.events.map((event) => event.msg)).toContain('shutdown exceeded its grace period; exiting 1')
    connection.socket.destroy()
  })
})

describe('startServer in process', () => {
  it('serves on the returned url and close() runs app.close then onShutdown without exiting', async () => {
    const signalListeners = process.listenerCount('SIGTERM')
    const app = await createServer({ name: 'inproc', logger: { level: 'silent' } })
    const order: string[] = []
    app.addHook('onClose', async () => {
      order.push('onClose')
    })
    const running = await startServer(app, { port: 0, onShutdown: async () => void order.push('onShutdown') })
    const response = await fetch(`${running.url}/healthz`)
    expect(response.status).toBe(200)
    expect(response.headers.get('x-request-id')).toBeTruthy()
    await running.close()
    expect(order).toEqual(['onClose', 'onShutdown'])
    expect(process.listenerCount('SIGTERM')).toBe(signalListeners)
  })
})
