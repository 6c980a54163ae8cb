import { createServer, ProblemError } from '@shipshape/server'
import { afterAll, describe, expect, it } from 'vitest'
import { getCookie, getCookieHeader } from './cookies.ts'
import { expectProblem } from './problem.ts'

const app = await createServer({
  name: 'kit',
  rateLimit: false,
  underPressure: false,
  logger: { level: 'silent' },
})
app.get('/conflict', async () => {
  throw new ProblemError({ status: 409, code: 'taken' })
})
app.get('/ok', async (_request, reply) =>
  reply
    .code(409)
    .header('set-cookie', ['session=abc; Path=/', 'cleared=; Max-Age=0'])
    .type('application/problem+json')
    .send({ status: 409, code: 'taken', type: 'about:blank', title: 'Conflict' }),
)
const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 })
afterAll(() => app.close())

describe('expectProblem', () => {
  it('accepts a problem document from app.inject and from fetch, and returns it', async () => {
    const injected = await app.inject({ url: '/conflict' })
    expect(expectProblem(injected, 409, 'taken')).toMatchObject({
      requestId: injected.headers['x-request-id'],
    })
    const fetched = await fetch(`${baseUrl}/conflict`)
    const answer = { status: fetched.status, headers: fetched.headers, text: await fetched.text() }
    expect(expectProblem(answer, 409, 'taken').status).toBe(409)
  })

  it('fails on another status, another code or a document without the request id', async () => {
    const injected = await app.inject({ url: '/conflict' })
    expect(() => expectProblem(injected, 400, 'taken')).toThrow()
    expect(() => expectProblem(injected, 409, 'other')).toThrow()
    // /ok sends a problem body by hand, without the request id the server put in its header.
    const handMade = await app.inject({ url: '/ok' })
    expect(() => expectProblem(handMade, 409, 'taken')).toThrow(/requestId/)
  })
})

describe('cookies', () => {
  it('turns Set-Cookie into a Cookie header, leaving cleared cookies out', async () => {
    const response = await app.inject({ url: '/ok' })
    expect(getCookieHeader(response)).toBe('session=abc')
    expect(getCookie(response, 'session')).toBe('abc')
    expect(getCookie(response, 'cleared')).toBe('')
    expect(getCookie(response, 'absent')).toBeUndefined()
  })
})
