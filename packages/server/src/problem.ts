import { STATUS_CODES } from 'node:http'
import { Type } from 'typebox'

/** What a handler (or `mapError`) says about a failure; the server adds `type` defaults and `requestId`. */
export interface ProblemInit {
  status: number
  /** Stable snake_case identifier clients switch on (`not_found`, `email_taken`). */
  code: string
  title: string
  /** Human-readable, safe to show: never a stack, SQL, driver message or file path. */
  detail?: string
  /** A URL naming the problem kind; `about:blank` when omitted. */
  type?: string
  /** Extra members of the problem document (`errors`, `checks`); they cannot replace the core members. */
  extensions?: Record<string, unknown>
}

/** The RFC 9457 document every 4xx/5xx response carries. */
export interface ProblemBody {
  type: string
  title: string
  status: number
  detail?: string
  code: string
  requestId: string
  [extension: string]: unknown
}

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/

/**
 * Throw from a handler to answer with a problem+json response. The `code` is checked at construction so a
 * typo in a code fails where it is written, not in a client.
 */
export class ProblemError extends Error {
  readonly status: number
  /** Fastify reads `statusCode`; kept equal to `status` so a ProblemError is never reported as a 500. */
  readonly statusCode: number
  override readonly name = 'ProblemError'
  readonly code: string
  readonly title: string
  readonly detail: string | undefined
  readonly type: string
  readonly extensions: Record<string, unknown> | undefined

  constructor(init: ProblemInit, options?: { cause?: unknown }) {
    super(init.detail ?? init.title, options)
    if (!Number.isInteger(init.status) || init.status < 400 || init.status > 599) {
      throw new RangeError(`ProblemError status must be an integer from 400 to 599, got ${init.status}`)
    }
    if (!SNAKE_CASE.test(init.code)) {
      throw new TypeError(`ProblemError code must be snake_case, got "${init.code}"`)
    }
    this.status = init.status
    this.statusCode = init.status
    this.code = init.code
    this.title = init.title
    this.detail = init.detail
    this.type = init.type ?? 'about:blank'
    this.extensions = init.extensions
  }
}

/** JSON schema of the problem document, for route `response` declarations and the OpenAPI document. */
export const problemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.Optional(Type.String()),
    code: Type.String({ pattern: '^[a-z][a-z0-9_]*$' }),
    requestId: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: true },
)

export function getStatusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error'
}

export function toProblemBody(problem: ProblemError, requestId: string): ProblemBody {
  const core: ProblemBody =
    problem.detail === undefined
      ? { type: problem.type, title: problem.title, status: problem.status, code: problem.code, requestId }
      : {
          type: problem.type,
          title: problem.title,
          status: problem.status,
          detail: problem.detail,
          code: problem.code,
          requestId,
        }
  return problem.extensions === undefined ? core : { ...core, ...problem.extensions, ...core }
}
