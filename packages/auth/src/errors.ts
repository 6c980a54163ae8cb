/** Thrown at registration when the plugin's options are unsafe or inconsistent; names the bad option. */
export class AuthOptionsError extends Error {
  readonly code = 'SHIPSHAPE_AUTH_OPTIONS'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'AuthOptionsError'
  }
}
