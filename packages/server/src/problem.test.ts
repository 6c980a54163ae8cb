import { describe, expect, it } from 'vitest'
import { ProblemError, toProblemBody } from './problem.ts'

describe('ProblemError', () => {
  it('refuses a code that is not snake_case and a status outside 4xx/5xx', () => {
    expect(() => new ProblemError({ status: 404, code: 'NotFound', title: 'Not Found' })).toThrow(TypeError)
    expect(() => new ProblemError({ status: 404, code: 'not-found', title: 'Not Found' })).toThrow(TypeError)
    expect(() => new ProblemError({ status: 200, code: 'ok', title: 'OK' })).toThrow(RangeError)
    expect(() => new ProblemError({ status: 600, code: 'odd', title: 'Odd' })).toThrow(RangeError)
  })

  it('builds the RFC 9457 body in order, with about:blank by default and the cause kept off the wire', () => {
    const cause = new Error('SELECT * FROM users')
    const problem = new ProblemError(
      { status: 409, code: 'email_taken', title: 'Conflict', detail: 'Taken.' },
      { cause },
    )
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

  it('keeps a type URL when given one', () => {
    const problem = new ProblemError({
      status: 400,
      code: 'weak_password',
      title: 'Bad Request',
      type: 'https://errors.example.com/weak_password',
    })
    expect(toProblemBody(problem, 'r').type).toBe('https://errors.example.com/weak_password')
  })
})
