import { Type } from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, expectProblem, parseJson, type TestServer, waitFor } from '../test/test-server.ts'
import { ProblemError } from './problem.ts'

class UniqueViolation extends Error {
  readonly sqlState = '23505'
}
class PoolDown extends Error {}

describe('errors become problem+json', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer({
      mapError: (error) => {
        if (error instanceof UniqueViolation) return { status: 409, code: 'conflict' }
        if (error instanceof PoolDown) return { status: 503, code: 'unavailable' }
        return undefined
      },
    })
    const { app } = server
    app.get('/boom', async () => {
      throw new Error('relation "users" does not exist at /srv/app/db.ts:12')
    })
    app.get('/boom-sync', () => {
      throw new TypeError('secret driver detail')
    })
    app.get('/gone', async () => {
      throw new ProblemError({
        status: 404,
        code: 'not_found',
        detail: 'No booking with that id.',
      })
    })
    app.get('/extended', async () => {
      throw new ProblemError({
        status: 422,
        code: 'idempotency_key_reused',
        extensions: { status: 200, code: 'hijack', hint: 'use a new key' },
      })
    })
    app.get('/unique', async () => {
      throw new UniqueViolation('duplicate key value violates unique constraint "users_email_key"')
    })
    app.get('/pool', async () => {
      throw new PoolDown('connect ECONNREFUSED 10.0.0.5:5432')
    })
    app.get('/teapot', async () => {
      throw Object.assign(new Error('internal teapot detail'), { statusCode: 418 })
    })
    app.get(
      '/items/:id',
      { schema: { params: Type.Object({ id: Type.String() }) } },
      async (request) => request.params,
    )
    await app.ready()
  })
  afterAll(() => server.app.close())

  it('answers an unknown error with a generic 500 and logs the stack server-side', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/boom' })
    const body = expectProblem(response, 500, 'internal_error')
    expect(body).toMatchObject({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      code: 'internal_error',
    })
    expect(response.body).not.toMatch(/relation|users|srv|db\.ts|at /)
    await waitFor(() => server.logs.lines.some((line) => line.requestId === body.requestId))
    const line = server.logs.lines.find((entry) => entry.requestId === body.requestId)
    expect(line?.level).toBe('error')
    expect(JSON.stringify(line?.err)).toContain('relation \\"users\\" does not exist')
    expect(JSON.stringify(line?.err)).toContain('stack')
  })

  it('treats a synchronous throw the same way', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/boom-sync' })
    expectProblem(response, 500, 'internal_error')
    expect(response.body).not.toContain('secret driver detail')
  })

  it('sends a thrown ProblemError as it is, with the request id', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/gone',
      headers: { 'x-request-id': 'abc-123' },
    })
    expectProblem(response, 404, 'not_found')
    expect(parseJson(response.body)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No booking with that id.',
      code: 'not_found',
      requestId: 'abc-123',
    })
  })

  it('keeps extensions but never lets them replace the core members', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/extended' })
    expect(expectProblem(response, 422, 'idempotency_key_reused').hint).toBe('use a new key')
  })

  it('lets mapError turn a database error into 409 or 503 without its message', async () => {
    const conflict = await server.app.inject({ method: 'GET', url: '/unique' })
    expectProblem(conflict, 409, 'conflict')
    expect(conflict.body).not.toContain('users_email_key')
    const down = await server.app.inject({ method: 'GET', url: '/pool' })
    expectProblem(down, 503, 'unavailable')
    expect(down.body).not.toContain('ECONNREFUSED')
    // The contract: every 503 tells the client when to come back.
    expect(down.headers['retry-after']).toBe('1')
  })

  it('keeps the status of an error carrying a 4xx statusCode but not its message', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/teapot' })
    expectProblem(response, 418, 'bad_request')
    expect(response.body).not.toContain('internal teapot detail')
  })

  it('answers an unknown route with 404 not_found', async () => {
    const response = await server.app.inject({ method: 'DELETE', url: '/nowhere?x=1' })
    expect(expectProblem(response, 404, 'not_found').title).toBe('Not Found')
  })

  it('answers bad percent-encoding with a 400 problem carrying the security headers', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/items/%E0%A4%A' })
    expectProblem(response, 400, 'bad_request')
    expect(response.headers['x-content-type-options']).toBe('nosniff')
  })

  it('answers an over-long path parameter with a 414 problem', async () => {
    const response = await server.app.inject({ method: 'GET', url: `/items/${'a'.repeat(300)}` })
    expectProblem(response, 414, 'uri_too_long')
    expect(response.headers['x-frame-options']).toBe('DENY')
  })
})
