import type { FastifySchemaValidationError } from 'fastify'
import { ProblemError, type ProblemInit } from './problem.ts'

/** The codes the service contract names, by status; any other 4xx keeps its status with `bad_request`. */
const CODES_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  410: 'gone',
  411: 'length_required',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable_content',
  429: 'rate_limited',
  431: 'request_header_fields_too_large',
  503: 'unavailable',
}

/** Fastify's own client errors, with a detail we wrote (their messages are not part of our contract). */
const FASTIFY_CODES: Readonly<Record<string, ProblemInit>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: defineStatusProblem(415, 'Send the body as application/json.'),
  FST_ERR_CTP_BODY_TOO_LARGE: defineStatusProblem(
    413,
    'The request body is larger than this server accepts.',
  ),
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    ...defineStatusProblem(400, 'The request body is empty but its content type is application/json.'),
    code: 'validation_failed',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    ...defineStatusProblem(
      400,
      'The request body is not valid JSON, or it sets __proto__ or constructor.prototype.',
    ),
    code: 'validation_failed',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: defineStatusProblem(400, 'Content-Length does not match the body.'),
  FST_ERR_BAD_URL: defineStatusProblem(400, 'The URL is not valid (bad percent-encoding).'),
  FST_ERR_MAX_PARAM_LENGTH: defineStatusProblem(414, 'A path parameter is longer than this server accepts.'),
  FST_ERR_HANDLER_TIMEOUT: defineStatusProblem(503, 'The request took too long to handle.'),
}

const INTERNAL: ProblemInit = {
  status: 500,
  code: 'internal_error',
  detail: 'An unexpected error occurred. Quote the requestId when reporting it.',
}

export interface MappedProblem {
  problem: ProblemError
  /** True when the server, not the client, is at fault: the original error must be logged with its stack. */
  isServerFault: boolean
}

export type MapError = (error: unknown) => ProblemInit | undefined

/** Turns anything thrown into a problem that is safe to send: no message of an unknown error ever leaks. */
export function toProblem(error: unknown, mapError: MapError | undefined): MappedProblem {
  if (error instanceof ProblemError) return { problem: error, isServerFault: error.status >= 500 }
  const mapped = mapError?.(error)
  if (mapped !== undefined) {
    return { problem: new ProblemError(mapped, { cause: error }), isServerFault: mapped.status >= 500 }
  }
  if (!isFastifyError(error))
    return { problem: new ProblemError(INTERNAL, { cause: error }), isServerFault: true }
  const known = error.code === undefined ? undefined : FASTIFY_CODES[error.code]
  if (known !== undefined) return { problem: new ProblemError(known, { cause: error }), isServerFault: false }
  if (error.validation !== undefined) return { problem: toValidationProblem(error), isServerFault: false }
  return fromStatus(error)
}

export function createValidationProblem(detail: string, errors: { path: string; message: string }[]) {
  return new ProblemError({
    status: 400,
    code: 'validation_failed',
    detail,
    extensions: { errors },
  })
}

interface FastifyLikeError extends Error {
  code?: string
  statusCode?: number
  validation?: FastifySchemaValidationError[]
  validationContext?: string
}

function isFastifyError(error: unknown): error is FastifyLikeError {
  return error instanceof Error && typeof (error as FastifyLikeError).statusCode === 'number'
}

function fromStatus(error: FastifyLikeError): MappedProblem {
  const status = error.statusCode ?? 500
  // A 503 is load shedding (under pressure, handler timeout), not a bug: no stack in the log.
  if (status === 503)
    return { problem: new ProblemError(defineStatusProblem(503), { cause: error }), isServerFault: false }
  if (status < 400 || status >= 500)
    return { problem: new ProblemError(INTERNAL, { cause: error }), isServerFault: true }
  return { problem: new ProblemError(defineStatusProblem(status), { cause: error }), isServerFault: false }
}

function defineStatusProblem(status: number, detail?: string): ProblemInit {
  const init: ProblemInit = {
    status,
    code: CODES_BY_STATUS[status] ?? 'bad_request',
  }
  return detail === undefined ? init : { ...init, detail }
}

function toValidationProblem(error: FastifyLikeError): ProblemError {
  const part = error.validationContext ?? 'body'
  const errors = (error.validation ?? []).map((issue) => ({
    path: `/${part}${issue.instancePath}${getMissingKey(issue)}`,
    message: issue.message ?? 'is invalid',
  }))
  return createValidationProblem(`The request ${part} does not match the schema.`, errors)
}

function getMissingKey(issue: FastifySchemaValidationError): string {
  const params = issue.params as Record<string, unknown>
  const key = params.missingProperty ?? params.additionalProperty
  return typeof key === 'string' ? `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}` : ''
}
