import { Type } from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, expectProblem, parseJson, type TestServer } from '../test/test-server.ts'
import { isNestedDeeperThan } from './json-parser.ts'

function nest(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`
}

describe('isNestedDeeperThan', () => {
  it('counts objects and arrays but not brackets inside strings', () => {
    expect(isNestedDeeperThan(nest(32), 32)).toBe(false)
    expect(isNestedDeeperThan(nest(33), 32)).toBe(true)
    expect(isNestedDeeperThan(JSON.stringify({ a: '[[[[[[{{{{{{'.repeat(10) }), 2)).toBe(false)
    expect(isNestedDeeperThan(JSON.stringify({ a: 'quote \\" then [[[[' }), 1)).toBe(false)
    expect(isNestedDeeperThan('{"a":{"b":{"c":[1]}}}', 3)).toBe(true)
  })
})

describe('the JSON body parser', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer()
    server.app.post('/echo', async (request) => ({ received: request.body }))
    server.app.post(
      '/typed',
      { schema: { body: Type.Object({ name: Type.String() }, { additionalProperties: false }) } },
      async (request) => request.body,
    )
    await server.app.ready()
  })
  afterAll(() => server.app.close())

  const post = (payload: string, contentType = 'application/json') =>
    server.app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': contentType }, payload })

  it('refuses __proto__ and constructor.prototype with 400', async () => {
    expectProblem(await post('{"__proto__":{"admin":true}}'), 400, 'validation_failed')
    expectProblem(await post('{"a":{"constructor":{"prototype":{"admin":true}}}}'), 400, 'validation_failed')
  })

  it('refuses a NUL byte in a value and in a key', async () => {
    const inValue = expectProblem(await post('{"name":"a\\u0000b"}'), 400, 'validation_failed')
    expect(inValue.errors).toEqual([{ path: '/body/name', message: expect.stringContaining('NUL') }])
    expectProblem(await post('{"ok":{"na\\u0000me":"x"}}'), 400, 'validation_failed')
    expectProblem(await post('["fine",["\\u0000"]]'), 400, 'validation_failed')
  })

  it('refuses a lone UTF-16 surrogate but accepts a valid pair', async () => {
    expectProblem(await post('{"name":"\\ud800"}'), 400, 'validation_failed')
    expectProblem(await post('{"name":"x\\udc00y"}'), 400, 'validation_failed')
    const pair = await post('{"name":"\\ud83d\\ude00"}')
    expect(pair.statusCode).toBe(200)
    expect(parseJson(pair.body)).toEqual({ received: { name: '😀' } })
  })

  it('accepts 32 levels of nesting and refuses 33 with 400', async () => {
    expect((await post(nest(32))).statusCode).toBe(200)
    const body = expectProblem(await post(nest(33)), 400, 'validation_failed')
    expect(body.detail).toContain('32')
  })

  it('answers absurdly deep JSON with 400, never a 500 RangeError', async () => {
    expectProblem(await post(nest(20_000).slice(0, 60_000)), 400, 'validation_failed')
  })

  it('answers malformed and empty JSON with 400', async () => {
    expectProblem(await post('{"name":'), 400, 'validation_failed')
    expectProblem(await post(''), 400, 'validation_failed')
  })

  it('answers a non-JSON content type, or none, with 415', async () => {
    expectProblem(await post('name=x', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type')
    expectProblem(await post('hello', 'text/plain'), 415, 'unsupported_media_type')
    const none = await server.app.inject({ method: 'POST', url: '/echo', payload: Buffer.from('{"a":1}') })
    expectProblem(none, 415, 'unsupported_media_type')
  })

  it('accepts application/json with a charset', async () => {
    const response = await post('{"a":1}', 'application/json; charset=utf-8')
    expect(response.statusCode).toBe(200)
  })

  it('runs the checks before schema validation on typed routes', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/typed',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"\\u0000"}',
    })
    expectProblem(response, 400, 'validation_failed')
  })
})
