import { ProblemError } from '@shipshape/server'

/** Wrong password and unknown email both get exactly this, so the response never tells which it was. */
export function createInvalidCredentials(): ProblemError {
  return new ProblemError({
    status: 401,
    code: 'invalid_credentials',
    detail: 'The email or password is incorrect.',
  })
}

export function createUnauthenticated(): ProblemError {
  return new ProblemError({ status: 401, code: 'unauthenticated', detail: 'Authentication required.' })
}

export function createWeakPassword(detail: string): ProblemError {
  return new ProblemError({
    status: 400,
    code: 'weak_password',
    detail,
  })
}

export function createInvalidInput(detail: string): ProblemError {
  return new ProblemError({ status: 400, code: 'validation_failed', detail })
}

export function createEmailTaken(): ProblemError {
  return new ProblemError({
    status: 409,
    code: 'email_taken',
    detail: 'An account with this email already exists.',
  })
}

export function createRateLimited(): ProblemError {
  return new ProblemError({
    status: 429,
    code: 'rate_limited',
    detail: 'Too many failed attempts; retry after the time in Retry-After.',
  })
}

export function createCsrfFailed(): ProblemError {
  return new ProblemError({
    status: 403,
    code: 'csrf_failed',
    detail: 'The request origin is not allowed.',
  })
}

export function createUnsupportedMediaType(): ProblemError {
  return new ProblemError({
    status: 415,
    code: 'unsupported_media_type',
    detail: 'The request body must be application/json.',
  })
}

/** The throttle's store (Redis) did not answer: refuse the attempt rather than let it through unthrottled. */
export function createThrottleUnavailable(cause: unknown): ProblemError {
  return new ProblemError(
    {
      status: 503,
      code: 'unavailable',
      detail: 'Sign-in is unavailable; retry later.',
    },
    { cause },
  )
}
