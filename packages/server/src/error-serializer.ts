/** What a logged error becomes: enough to find the bug, nothing the error happened to carry. */
export interface SerializedError {
  type: string
  message: string
  code?: string | number
  stack?: string
  cause?: SerializedError | string
  errors?: (SerializedError | string)[]
}

const MAX_DEPTH = 8
const STACK_FRAME = /^\s+at /

/**
 * Errors carry the data they failed on: a query error its parameters (emails, password hashes, token hashes),
 * a driver error the failing row in `detail`. Logs must hold none of it, so an error is reduced to its
 * type, code, the first line of its message, its stack frames and the same for its causes. Every other
 * property is dropped, and so is every message line after the first (drizzle appends "params: ..." there).
 */
export function serializeError(error: unknown, depth = 0): SerializedError | string {
  if (!(error instanceof Error)) return typeof error === 'string' ? firstLine(error) : typeof error
  const serialized: SerializedError = {
    type: error.constructor?.name ?? error.name,
    message: firstLine(error.message),
  }
  const { code } = error as { code?: unknown }
  if (typeof code === 'string' || typeof code === 'number') serialized.code = code
  if (typeof error.stack === 'string') serialized.stack = keepFrames(error.stack, serialized)
  if (depth < MAX_DEPTH) {
    if (error.cause !== undefined) serialized.cause = serializeError(error.cause, depth + 1)
    if (error instanceof AggregateError && Array.isArray(error.errors)) {
      serialized.errors = error.errors.map((inner: unknown) => serializeError(inner, depth + 1))
    }
  }
  return serialized
}

function firstLine(text: string): string {
  const end = text.indexOf('\n')
  return end === -1 ? text : text.slice(0, end)
}

/** `Type: message` then the frames: the message lines a stack repeats are the ones that leak. */
function keepFrames(stack: string, serialized: SerializedError): string {
  const frames = stack.split('\n').filter((line) => STACK_FRAME.test(line))
  return [`${serialized.type}: ${serialized.message}`, ...frames].join('\n')
}
