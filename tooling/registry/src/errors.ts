export type RegistryErrorCode =
  | 'SHIPSHAPE_REGISTRY_INSTALL_FAILED'
  | 'SHIPSHAPE_REGISTRY_START_FAILED'
  | 'SHIPSHAPE_REGISTRY_AUTH_FAILED'
  | 'SHIPSHAPE_REGISTRY_NOT_LOOPBACK'
  | 'SHIPSHAPE_REGISTRY_PUBLISH_FAILED'

/**
 * The loopback registry could not be installed, started, logged into or published to. The message says
 * what failed and carries the tail of the log that explains it; the underlying error is in `cause`.
 */
export class RegistryError extends Error {
  readonly code: RegistryErrorCode

  constructor(code: RegistryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'RegistryError'
    this.code = code
  }
}
