import type { OptionsErrorCode } from './catalogue.ts'

/**
 * The one error for options a service passed that cannot work or would be unsafe, thrown at start-up (or,
 * for a call's own options, by that call) by every @shipshape package. `code` comes from the catalogue; the
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
