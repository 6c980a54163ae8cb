/** Every way `create-shipshape` can refuse or fail, with its exit code. */
export const createErrors = {
  CREATE_FAILED: 1,
  CREATE_USAGE: 2,
  CREATE_INVALID_NAME: 3,
  CREATE_NOT_EMPTY: 6,
  CREATE_NODE_TOO_OLD: 8,
} as const

export type CreateErrorCode = keyof typeof createErrors

/** A refusal or a failed step; its message is one line that says what happened and what to do. */
export class CreateError extends Error {
  readonly code: CreateErrorCode
  readonly exitCode: number

  constructor(code: CreateErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'CreateError'
    this.code = code
    this.exitCode = createErrors[code]
  }
}
