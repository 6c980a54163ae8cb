import type { AddressInfo } from 'node:net'

/** What `getBaseUrl` needs of a Fastify app. */
export type ListeningApp = {
  server: { listening: boolean; address(): AddressInfo | string | null }
  listen(options: { port: number; host: string }): Promise<string>
}

/** The app's base URL. An app that is not listening yet is put on a free loopback port: real sockets. */
export async function getBaseUrl(app: ListeningApp): Promise<string> {
  if (!app.server.listening) return app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') {
    throw new Error('the app under test must listen on TCP, not a pipe')
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}
