import { ProblemError, type ProblemInit } from '@shipshape/server'

const invalidKey: ProblemInit = {
  status: 400,
  code: 'invalid_idempotency_key',
  detail: 'Idempotency-Key must be 1 to 255 visible ASCII characters.',
}

const keyReused: ProblemInit = {
  status: 422,
  code: 'idempotency_key_reused',
  detail: 'This Idempotency-Key was already used with a different request.',
}

const inProgress: ProblemInit = {
  status: 409,
  code: 'idempotency_in_progress',
  detail: 'A request with this Idempotency-Key is still being processed; retry later.',
}

const notStored: ProblemInit = {
  status: 503,
  code: 'unavailable',
  detail: 'The request could not be completed; nothing was kept, so it is safe to retry.',
}

export function createInvalidKeyProblem(): ProblemError {
  return new ProblemError(invalidKey)
}

export function createKeyReusedProblem(): ProblemError {
  return new ProblemError(keyReused)
}

export function createInProgressProblem(): ProblemError {
  return new ProblemError(inProgress)
}

export function createNotStoredProblem(cause: unknown): ProblemError {
  return new ProblemError(notStored, { cause })
}
