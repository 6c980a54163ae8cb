import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer as createHttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect, type Socket } from 'node:net'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'
import { createTestServer, waitFor } from '../test/test-server.ts'
import { createServer } from './create-server.ts'
import { startServer } from './start-server.ts'

interface Child {
  process: ChildProcess
  events: Record<string, unknown>[]
  port: number
  exit: Promise<number | null>
}

async function startChild(graceMs: number, slowMs: number, mode = ''): Promise<Child> {
  const fixture = new URL('../test/slow-server.ts', import.meta.url).pathname
  // The source condition, as in the workspace: the child imports @shipshape/errors from its TypeScript.
  const args = ['--conditions=@shipshape/source', fixture, String(graceMs), String(slowMs), mode]
  const child = spawn(process.execPath, args, {
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
): Promise<{ socket: Socket; received: () => string; closed: Promise<void>; errors: Error[] }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    const errors: Error[] = []
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      text += chunk
    })
    const closed = new Promise<void>((resolveClosed) => socket.once('close', () => resolveClosed()))
    socket.once('connect', () => {
      socket.on('error', (error) => errors.push(error))
      resolve({ socket, received: () => text, closed, errors })
    })
    socket.once('error', reject)
  })
}

function getErrorLines(child: Child): Record<string, unknown>[] {
  return child.events.filter((event) => event.level === 'error' || event.level === 'fatal')
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
  it('on SIGTERM stops accepting, finishes the in-flight request and exits 0 after onClose and onShutdown', async () => {
    const child = await startChild(10_000, 3_000)
    const connection = await openSocket(child.port)
    connection.socket.write('GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n')
    await waitFor(() => child.events.some((event) => event.msg === 'slow request started'))
    child.process.kill('SIGTERM')
    await waitFor(() => isRefused(child.port))
    await connection.closed
    expect(connection.received()).toMatch(/^HTTP\/1\.1 200 /)
    expect(connection.received()).toContain('{"done":true}')
    expect(await child.exit).toBe(0)
    const order = child.events.map((event) => event.event ?? event.msg)
    expect(order.indexOf('onClose')).toBeLessThan(order.indexOf('onShutdown'))
    expect(order).toContain('shutdown complete')
  })

  it('from SIGTERM on, closes idle keep-alive sockets cleanly and sends Connection: close on in-flight responses', async () => {
    const child = await startChild(10_000, 1_500)
    const idle = await openSocket(child.port)
    idle.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n')
    await waitFor(() => idle.received().includes('"status":"ok"'))
    expect(idle.received()).toMatch(/\r\nconnection: keep-alive\r\n/i)
    const busy = await openSocket(child.port)
    busy.socket.write('GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n')
    await waitFor(() => child.events.some((event) => event.msg === 'slow request started'))
    child.process.kill('SIGTERM')
    // The idle connection is ended by the server (a FIN, not a reset) while /slow is still running.
    await idle.closed
    expect(busy.received()).toBe('')
    await busy.closed
    expect(busy.received()).toMatch(/^HTTP\/1\.1 200 /)
    expect(busy.received()).toMatch(/\r\nconnection: close\r\n/i)
    expect([...idle.errors, ...busy.errors]).toEqual([])
    expect(await child.exit).toBe(0)
    expect(getErrorLines(child)).toEqual([])
  })

  // `pnpm dev` stopped by a process manager, or Ctrl-C on a terminal, signals the whole process group, and
  // node --watch forwards the same signal to its child: the service gets one stop twice.
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'drains all the same when %s comes twice (a process group and a watcher forwarding it)',
    async (signal) => {
      const child = await startChild(10_000, 1_000)
      const connection = await openSocket(child.port)
      connection.socket.write('GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n')
      await waitFor(() => child.events.some((event) => event.msg === 'slow request started'))
      child.process.kill(signal)
      await waitFor(() => child.events.some((event) => event.msg === 'shutting down'))
      child.process.kill(signal)
      await connection.closed
      expect(connection.received()).toMatch(/^HTTP\/1\.1 200 /)
      expect(await child.exit).toBe(0)
      expect(child.events.map((event) => event.msg)).toContain('shutdown complete')
      expect(getErrorLines(child)).toEqual([])
    },
  )

  it('on SIGINT with nothing in flight exits 0 after onShutdown', async () => {
    const child = await startChild(10_000, 0)
    child.process.kill('SIGINT')
    expect(await child.exit).toBe(0)
    expect(child.events.map((event) => event.event)).toContain('onShutdown')
  })

  it('exits 0 on SIGTERM after whatever reads its stdout has gone (EPIPE drops lines, never blocks exit)', async () => {
    const child = await startChild(10_000, 0)
    child.process.stdout?.destroy()
    // The next lines the child writes meet a closed pipe: the shutdown's own log lines, then the exit flush.
    child.process.kill('SIGTERM')
    const exited = await Promise.race([
      child.exit,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 5_000)),
    ])
    if (exited === 'still running') child.process.kill('SIGKILL')
    expect(exited).toBe(0)
  })

  it('gives onShutdown a signal that aborts before the grace period ends, so a stuck flush still exits 0', async () => {
    const child = await startChild(1_000, 0, 'stuck-shutdown')
    child.process.kill('SIGTERM')
    expect(await child.exit).toBe(0)
    expect(child.events.find((event) => event.event === 'onShutdown')).toMatchObject({ aborted: true })
    expect(child.events.map((event) => event.msg)).toContain('shutdown complete')
    expect(getErrorLines(child)).toEqual([])
  })

  it('aborts nothing when onShutdown finishes in time', async () => {
    const child = await startChild(1_000, 0)
    child.process.kill('SIGTERM')
    expect(await child.exit).toBe(0)
    expect(child.events.find((event) => event.event === 'onShutdown')).toMatchObject({ aborted: false })
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

describe('the shutdown guard', () => {
  it('answers a request that arrives while closing with 503 problem+json and Connection: close, logged below error', async () => {
    const {
      app,
      logs: { lines },
    } = await createTestServer()
    const started = Promise.withResolvers<void>()
    const released = Promise.withResolvers<void>()
    app.get('/hold', async () => {
      started.resolve()
      await released.promise
      return { held: true }
    })
    // Registered after the guard's, so once it runs the guard knows the app is closing.
    const preClosed = Promise.withResolvers<void>()
    app.addHook('preClose', (done) => {
      preClosed.resolve()
      done()
    })
    await app.ready()
    // A server of our own in front of the app's router: it keeps accepting while the app closes, which is
    // the window (a request already on its way) that the guard answers.
    const front = createHttpServer((request, response) => app.routing(request, response))
    front.listen(0, '127.0.0.1')
    await once(front, 'listening')
    const base = `http://127.0.0.1:${(front.address() as AddressInfo).port}`
    try {
      const held = fetch(`${base}/hold`)
      await started.promise
      const closing = app.close()
      await preClosed.promise
      const late = await fetch(`${base}/readyz`)
      expect(late.status).toBe(503)
      expect(late.headers.get('connection')).toBe('close')
      expect(late.headers.get('content-type')).toMatch(/^application\/problem\+json/)
      expect(await late.json()).toMatchObject({ status: 503, code: 'unavailable' })
      released.resolve()
      expect((await held).headers.get('connection')).toBe('close')
      await closing
      await waitFor(() => lines.some((line) => line.msg === 'request refused'))
      expect(lines.filter((line) => line.level === 'error')).toEqual([])
    } finally {
      released.resolve()
      front.closeAllConnections()
      front.close()
    }
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
