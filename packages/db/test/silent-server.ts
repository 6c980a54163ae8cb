import { createServer, type Socket } from 'node:net'

export interface SilentServer {
  url: string
  close: () => Promise<void>
}

/** A TCP server on 127.0.0.1 that accepts connections and never answers: a hung database. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('silent server has no port')
  return {
    url: `postgres://user:password@127.0.0.1:${address.port}/db`,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A URL whose port was free a moment ago and now refuses connections. */
export async function getRefusingUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('server has no port')
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `postgres://user:password@127.0.0.1:${address.port}/db`
}
