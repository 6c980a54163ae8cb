import type { OptionsErrorCode } from './catalogue.ts'

/**
 * The one error for options a service passed, or a use of a package, that cannot work or would be unsafe:
 * thrown at start-up, or by the call that misuses it (a request path leaving the base URL, a query through the
 * root db inside an idempotent handler), by every @shipshape package. `code` comes from the catalogue; the
 * message names the bad option and never echoes a secret or a URL. A bad environment is `ConfigError`
 * (@shipshape/config), not this.
 */
export class OptionsError extends Error {
  override readonly name = 'OptionsError'
  readonly code: OptionsErrorCode

  constructor(code: OptionsErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}
