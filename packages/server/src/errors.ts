/** A createServer/startServer option that would make the service unsafe or cannot work; thrown at startup. */
export class ServerConfigError extends Error {
  readonly code = 'SHIPSHAPE_SERVER_CONFIG'
  override readonly name = 'ServerConfigError'
}
