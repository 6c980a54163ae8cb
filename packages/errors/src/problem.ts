import { STATUS_CODES } from 'node:http'

/**
 * What a handler, a plugin or `mapError` says about a failure. There is no `title`: it is always the status's
 * reason phrase (`getStatusTitle`), as RFC 9457 asks of `about:blank` problems, so the specifics go in
 * `code` (what a client switches on) and `detail` (what a person reads).
 */
export interface ProblemInit {
  status: number
  /** Stable snake_case identifier clients switch on (`not_found`, `email_taken`); see PROBLEM_CODE_PATTERN. */
  code: string
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

/** The one rule for a problem `code`: snake_case, for the constructor and for the JSON schema alike. */
export const PROBLEM_CODE_PATTERN = '^[a-z][a-z0-9]*(_[a-z0-9]+)*$'
const problemCode = new RegExp(PROBLEM_CODE_PATTERN)

/** The title of every problem with this status: its HTTP reason phrase (`Not Found`, `Conflict`). */
export function getStatusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error'
}

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
    const title = getStatusTitle(init.status)
    super(init.detail ?? title, options)
    if (!Number.isInteger(init.status) || init.status < 400 || init.status > 599) {
      throw new RangeError(`ProblemError status must be an integer from 400 to 599, got ${init.status}`)
    }
    if (!problemCode.test(init.code)) {
      throw new TypeError(`ProblemError code must be snake_case, got "${init.code}"`)
    }
    this.status = init.status
    this.statusCode = init.status
    this.code = init.code
    this.title = title
    this.detail = init.detail
    this.type = init.type ?? 'about:blank'
    this.extensions = init.extensions
  }
}

/** The body a client gets: the core members in order, extensions after them and never over them. */
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
