/** Every way a generator command can refuse, with the exit code the CLI gives it. */
export const generatorErrors = {
  SHIPSHAPE_INVALID_NAME: 3,
  SHIPSHAPE_RESERVED_NAME: 3,
  SHIPSHAPE_INVALID_PORT: 4,
  SHIPSHAPE_PORT_TAKEN: 4,
  SHIPSHAPE_INVALID_RESOURCE: 5,
  SHIPSHAPE_SERVICE_EXISTS: 6,
  SHIPSHAPE_NO_WORKSPACE: 7,
  SHIPSHAPE_TEMPLATE_INVALID: 8,
  SHIPSHAPE_RENDER_FAILED: 9,
  SHIPSHAPE_NOT_A_SERVICE: 10,
  SHIPSHAPE_MANIFEST_INVALID: 11,
  SHIPSHAPE_UNKNOWN_COMPONENT: 12,
  SHIPSHAPE_COMPONENT_PRESENT: 13,
  SHIPSHAPE_COMPONENT_ABSENT: 14,
  SHIPSHAPE_DIRTY_TREE: 15,
  SHIPSHAPE_NOT_IN_GIT: 16,
  SHIPSHAPE_GIT_FAILED: 17,
  SHIPSHAPE_WRITE_FAILED: 18,
  SHIPSHAPE_INSTALL_FAILED: 19,
  SHIPSHAPE_WORKSPACE_INVALID: 22,
  SHIPSHAPE_NOT_SHIPSHAPE_WORKSPACE: 23,
} as const

/**
 * Exit codes of expected outcomes (not errors): `regen --check` in CI tells "nothing to do" from "an update
 * is waiting" from "an update would conflict". They sit apart from the error codes above.
 */
export const outcomeExitCodes = {
  current: 0,
  pending: 20,
  conflicts: 21,
} as const

export type GeneratorErrorCode = keyof typeof generatorErrors

/** A refusal the user can act on: the message says what was wrong and what to do instead. */
export class GeneratorError extends Error {
  readonly code: GeneratorErrorCode
  readonly exitCode: number

  constructor(code: GeneratorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'GeneratorError'
    this.code = code
    this.exitCode = generatorErrors[code]
  }
}
