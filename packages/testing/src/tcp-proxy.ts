import { once } from 'node:events'
import { createConnection, createServer, type Socket } from 'node:net'

/**
 * - `pass`: bytes flow both ways.
 * - `refuse`: new connections are reset at once and open ones are reset: a database that is down.
 * - `drop`: connections are accepted and every byte, both ways, is swallowed without an answer: a network
 *   partition, where nothing tells either side that the other is gone.
 */
export type ProxyMode = 'pass' | 'refuse' | 'drop'

export interface TcpProxy {
  /** The port on 127.0.0.1 to connect to instead of the target's. */
  readonly port: number
  /** `url` with its host and port replaced by the proxy's (for a database URL). */
  wrapUrl(url: string): string
  readonly mode: ProxyMode
  /**
   * Switches the mode for new and open connections. Leaving `drop` resets the connections that lost bytes,
   * as TCP gives up on a connection once its retransmissions time out; the others carry on.
   */
  setMode(mode: ProxyMode): void
  /** Connections accepted so far (refused ones included). */
  readonly accepted: number
  /** Stops listening and resets every connection. */
  close(): Promise<void>
}

interface Pair {
  client: Socket
  upstream: Socket | undefined
  /** Bytes were swallowed: the stream is no longer whole and cannot be resumed. */
  lost: boolean
}

function reset(socket: Socket | undefined): void {
  if (socket !== undefined && !socket.destroyed) socket.resetAndDestroy()
}

/**
 * A loopback TCP proxy in front of `target` (a PostgreSQL server, usually) whose mode changes at run time:
 * the test kit's way to put a dead or partitioned database under a real service.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>()
  let mode: ProxyMode = 'pass'
  let accepted = 0

  function forward(pair: Pair, from: Socket, to: () => Socket | undefined): void {
    from.on('data', (chunk: Buffer) => {
      if (mode === 'pass' && !pair.lost) to()?.write(chunk)
      else pair.lost = true
    })
  }

  function end(pair: Pair): void {
    reset(pair.client)
    reset(pair.upstream)
    pairs.delete(pair)
  }

  const server = createServer((client) => {
    accepted++
    client.on('error', () => undefined)
    if (mode === 'refuse') {
      client.resetAndDestroy()
      return
    }
    const pair: Pair = { client, upstream: undefined, lost: mode === 'drop' }
    pairs.add(pair)
    client.on('close', () => end(pair))
    forward(pair, client, () => pair.upstream)
    // A connection accepted during a partition never reaches the target: its first bytes are already gone.
    if (pair.lost) return
    const upstream = createConnection(target)
    pair.upstream = upstream
    upstream.on('error', () => undefined)
    upstream.on('close', () => end(pair))
    forward(pair, upstream, () => client)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port')

  return {
    port: address.port,
    wrapUrl(url) {
      const wrapped = new URL(url)
      wrapped.hostname = '127.0.0.1'
      wrapped.port = String(address.port)
      return wrapped.toString()
    },
    get mode() {
      return mode
    },
    get accepted() {
      return accepted
    },
    setMode(next) {
      const leavingDrop = mode === 'drop' && next !== 'drop'
      mode = next
      for (const pair of pairs) if (next === 'refuse' || (leavingDrop && pair.lost)) end(pair)
    },
    async close() {
      for (const pair of pairs) end(pair)
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
