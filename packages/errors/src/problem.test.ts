import { describe, expect, it } from 'vitest'
import { getStatusTitle, PROBLEM_CODE_PATTERN, ProblemError, toProblemBody } from './problem.ts'

describe('ProblemError', () => {
  it('refuses a code that is not snake_case and a status outside 4xx/5xx', () => {
    expect(() => new ProblemError({ status: 404, code: 'NotFound' })).toThrow(TypeError)
    expect(() => new ProblemError({ status: 404, code: 'not-found' })).toThrow(TypeError)
    expect(() => new ProblemError({ status: 404, code: 'not__found' })).toThrow(TypeError)
    expect(() => new ProblemError({ status: 404, code: 'not_found_' })).toThrow(TypeError)
    expect(() => new ProblemError({ status: 200, code: 'ok' })).toThrow(RangeError)
    expect(() => new ProblemError({ status: 600, code: 'odd' })).toThrow(RangeError)
  })

  it('builds the RFC 9457 body in order, with about:blank by default and the cause kept off the wire', () => {
    const cause = new Error('SELECT * FROM users')
    const problem = new ProblemError({ status: 409, code: 'email_taken', detail: 'Taken.' }, { cause })
    expect(problem.cause).toBe(cause)
    expect(problem.statusCode).toBe(409)
    const body = toProblemBody(problem, 'req-1')
    expect(Object.keys(body)).toEqual(['type', 'title', 'status', 'detail', 'code', 'requestId'])
    expect(body).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'Taken.',
      code: 'email_taken',
      requestId: 'req-1',
    })
    expect(JSON.stringify(body)).not.toContain('SELECT')
  })

  it('takes its title from the status, whatever the code says', () => {
    expect(new ProblemError({ status: 401, code: 'invalid_credentials' }).title).toBe('Unauthorized')
    expect(new ProblemError({ status: 422, code: 'idempotency_key_reused' }).title).toBe(
      'Unprocessable Entity',
    )
    expect(getStatusTitle(599)).toBe('Error')
  })

  it('keeps a type URL when given one, and extensions never replace a core member', () => {
    const problem = new ProblemError({
      status: 400,
      code: 'weak_password',
      type: 'https://errors.example.com/weak_password',
      extensions: { errors: [], status: 200, code: 'ok' },
    })
    const body = toProblemBody(problem, 'r')
    expect(body).toMatchObject({ type: 'https://errors.example.com/weak_password', status: 400, errors: [] })
    expect(body.code).toBe('weak_password')
  })

  it('states the code rule as a JSON-schema pattern that accepts and refuses what the constructor does', () => {
    const pattern = new RegExp(PROBLEM_CODE_PATTERN)
    expect(['not_found', 'e2e_failed', 'rate_limited'].every((code) => pattern.test(code))).toBe(true)
    expect(['NotFound', 'not-found', '_x', 'x_', 'a__b', '1st'].some((code) => pattern.test(code))).toBe(
      false,
    )
  })
})
