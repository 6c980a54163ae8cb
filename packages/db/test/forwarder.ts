import { once } from 'node:events'
import { createConnection, createServer, type Socket } from 'node:net'

export interface Forwarder {
  /** `url` pointed at the forwarder instead of the server. */
  wrap: (url: string) => string
  /** How many connections it accepted so far. */
  connections: () => number
  /** From now on every byte, both ways, is swallowed: a partition. */
  drop: () => void
  close: () => Promise<void>
}

/** A loopback forwarder to the server of `url` that can go silent (the test kit's proxy, in small). */
export async function startForwarder(url: string): Promise<Forwarder> {
  const target = new URL(url)
  const sockets = new Set<Socket>()
  let dropping = false
  let accepted = 0
  const pipe = (from: Socket, to: Socket) =>
    from.on('data', (chunk: Buffer) => {
      if (!dropping) to.write(chunk)
    })
  const server = createServer((client) => {
    accepted += 1
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5432) })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => undefined)
      socket.on('close', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    pipe(client, upstream)
    pipe(upstream, client)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  return {
    wrap: (original) => {
      const wrapped = new URL(original)
      wrapped.hostname = '127.0.0.1'
      wrapped.port = String(port)
      return wrapped.toString()
    },
    connections: () => accepted,
    drop: () => {
      dropping = true
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
