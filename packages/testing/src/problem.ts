import { expect } from 'vitest'

/** An answer from `app.inject` (light-my-request). */
type InjectedAnswer = { statusCode: number; headers: Record<string, unknown>; body: string }
/** An answer read from `fetch`, its body already read as text. */
type FetchedAnswer = { status: number; headers: Headers; text: string }

/**
 * Asserts the answer is an RFC 9457 problem+json document with this status and stable `code`, carrying the
 * request's id and no stack trace or source path, and returns it.
 */
export function expectProblem(
  answer: InjectedAnswer | FetchedAnswer,
  status: number,
  code: string,
): Record<string, unknown> {
  const { actualStatus, header, body } =
    'statusCode' in answer
      ? {
          actualStatus: answer.statusCode,
          header: (name: string) => answer.headers[name],
          body: answer.body,
        }
      : { actualStatus: answer.status, header: (name: string) => answer.headers.get(name), body: answer.text }
  expect(actualStatus, body).toBe(status)
  expect(header('content-type')).toMatch(/^application\/problem\+json(;|$)/)
  const problem = JSON.parse(body) as Record<string, unknown>
  expect(problem).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) })
  const requestId = header('x-request-id')
  if (requestId !== undefined && requestId !== null) expect(problem.requestId, 'requestId').toBe(requestId)
  expect(body).not.toMatch(/\bat .+:\d+:\d+|node_modules|\/src\//)
  return problem
}
