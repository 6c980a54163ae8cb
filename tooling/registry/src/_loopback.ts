import { createServer } from 'node:net'
import { RegistryError } from './errors.ts'

export const loopbackHost = '127.0.0.1'

/** A port nobody listens on right now. Another process may take it before Verdaccio does: the caller retries. */
export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, loopbackHost, () => {
      const address = server.address()
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port)
        else reject(new Error('no port assigned'))
      })
    })
  })
}

/** Refuses any registry URL that is not plain HTTP on 127.0.0.1: publishing must never reach a real registry. */
export function assertLoopback(url: string): void {
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  if (parsed?.protocol !== 'http:' || parsed.hostname !== loopbackHost) {
    throw new RegistryError(
      'SHIPSHAPE_REGISTRY_NOT_LOOPBACK',
      `Refusing to publish to ${JSON.stringify(url)}: only http://${loopbackHost}:<port>/ is allowed`,
    )
  }
}
