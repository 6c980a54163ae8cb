import { createInjectFetch } from '@shipshape/testing'
import createClient from 'openapi-fetch'
import { describe, expect, it } from 'vitest'
import type { paths } from './openapi-types.ts'
import { cheapArgon2, setupService, signUp } from './setup.ts'

const { app } = await setupService({ auth: { testArgon2Params: cheapArgon2 } })
const alice = await signUp(app)
/** The client generated from /openapi.json (`pnpm openapi`): a route that drifts from it breaks typecheck. */
const client = createClient<paths>({
  baseUrl: 'http://localhost',
  fetch: createInjectFetch(app),
  headers: alice.headers,
})

type Inject = {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  url: string
  payload?: unknown
  body?: string
  contentType?: string
}
const request = ({ method, url, payload, body, contentType }: Inject) =>
  app.inject({
    method,
    url,
    headers: { ...alice.headers, ...(contentType ? { 'content-type': contentType } : {}) },
    ...(payload === undefined ? {} : { payload: payload as object }),
    ...(body === undefined ? {} : { body }),
  })
const create = (payload: unknown) => request({ method: 'POST', url: '/resources', payload })
const expectProblem = (
  response: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
  status: number,
  code: string,
) => {
  expect(response.statusCode).toBe(status)
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
  expect(response.json()).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) })
}

describe('POST /resources rejects bad input and stores nothing', () => {
  it('401 without a session', async () => {
    const response = await app.inject({ method: 'POST', url: '/resources', payload: { name: 'x' } })
    expectProblem(response, 401, 'unauthenticated')
  })

  it.each([
    ['a missing name', {}],
    ['an empty name', { name: '' }],
    ['a name over 200 characters', { name: 'x'.repeat(201) }],
    ['a description over 2000 characters', { name: 'ok', description: 'x'.repeat(2001) }],
    ['a number where a string belongs', { name: 42 }],
    ['an unknown field', { name: 'ok', admin: true }],
    ['an owner chosen by the client', { name: 'ok', ownerId: '00000000-0000-4000-8000-000000000000' }],
    ['a JSON array', [{ name: 'ok' }]],
  ])('400 for %s', async (_case, payload) => {
    expectProblem(await create(payload), 400, 'validation_failed')
  })

  it.each([
    ['a __proto__ key', '{"name":"ok","__proto__":{"admin":true}}'],
    ['a NUL byte', '{"name":"a\\u0000b"}'],
    ['a lone surrogate', '{"name":"a\\ud800b"}'],
    ['malformed JSON', '{"name":'],
    ['absurdly deep JSON', `{"name":"ok","description":${'['.repeat(5000)}${']'.repeat(5000)}}`],
  ])('400 for %s', async (_case, body) => {
    const response = await request({
      method: 'POST',
      url: '/resources',
      body,
      contentType: 'application/json',
    })
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
  })

  it('415 for a body that is not JSON', async () => {
    const response = await request({
      method: 'POST',
      url: '/resources',
      body: 'name=x',
      contentType: 'text/plain',
    })
    expectProblem(response, 415, 'unsupported_media_type')
  })

  it('413 for a body over the limit', async () => {
    expectProblem(
      await create({ name: 'ok', description: 'x'.repeat(2 * 1024 * 1024) }),
      413,
      'payload_too_large',
    )
  })

  it('kept nothing from the rejected requests', async () => {
    const list = await request({ method: 'GET', url: '/resources?limit=100' })
    expect(list.json().data).toEqual([])
  })
})

describe('/resources/:id', () => {
  it('creates, reads, updates and deletes one resource (through the typed client)', async () => {
    const created = await client.POST('/resources', { body: { name: 'first', description: 'a booking' } })
    expect(created.response.status).toBe(201)
    const row = created.data
    expect(row).toEqual({
      id: expect.any(String),
      name: 'first',
      description: 'a booking',
      timeZone: 'UTC',
      openingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '09:00', closes: '17:00' })),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    })
    if (row === undefined) throw new Error('no resource created')
    // RFC 3339 in UTC, exactly as `toISOString` writes it: the response serializer formats the row's Dates.
    for (const at of [row.createdAt, row.updatedAt]) expect(new Date(at).toISOString()).toBe(at)
    const byId = { params: { path: { id: row.id } } }

    expect((await client.GET('/resources/{id}', byId)).data).toEqual(row)
    const patched = await client.PATCH('/resources/{id}', { ...byId, body: { name: 'renamed' } })
    expect(patched.data).toMatchObject({ id: row.id, name: 'renamed', description: 'a booking' })
    expect((await client.DELETE('/resources/{id}', byId)).response.status).toBe(204)
    const gone = await client.GET('/resources/{id}', byId)
    expect(gone.response.status).toBe(404)
    expect(gone.error?.code).toBe('not_found')
  })

  it('404 for an id that does not exist, on every method', async () => {
    const url = '/resources/00000000-0000-4000-8000-000000000000'
    expectProblem(await request({ method: 'GET', url }), 404, 'not_found')
    expectProblem(await request({ method: 'PATCH', url, payload: { name: 'x' } }), 404, 'not_found')
    expectProblem(await request({ method: 'DELETE', url }), 404, 'not_found')
  })

  it('400 for an id that is not a UUID and for an empty update', async () => {
    expectProblem(await request({ method: 'GET', url: '/resources/not-a-uuid' }), 400, 'validation_failed')
    const { id } = (await create({ name: 'x' })).json()
    expectProblem(
      await request({ method: 'PATCH', url: `/resources/${id}`, payload: {} }),
      400,
      'validation_failed',
    )
    await request({ method: 'DELETE', url: `/resources/${id}` })
  })
})

describe('GET /resources pagination', () => {
  it.each(['0', '101', '-1', '1.5', 'abc'])('400 for limit=%s', async (limit) => {
    expectProblem(
      await request({ method: 'GET', url: `/resources?limit=${limit}` }),
      400,
      'validation_failed',
    )
  })

  it.each(['garbage', 'eyJhIjoxfQ', '%00'])('400 for an unreadable cursor (%s)', async (cursor) => {
    expectProblem(
      await request({ method: 'GET', url: `/resources?cursor=${cursor}` }),
      400,
      'validation_failed',
    )
  })

  it('400 for an unknown query parameter', async () => {
    expectProblem(await request({ method: 'GET', url: '/resources?offset=10' }), 400, 'validation_failed')
  })

  it('walks every resource of its owner exactly once, newest first', async () => {
    const bob = await signUp(app)
    await app.inject({ method: 'POST', url: '/resources', headers: bob.headers, payload: { name: "bob's" } })
    const ids: string[] = []
    for (let i = 0; i < 25; i++) ids.push((await create({ name: `n${i}` })).json().id)
    const seen: string[] = []
    const createdAt: string[] = []
    let cursor: string | undefined
    do {
      const { data: page } = await client.GET('/resources', { params: { query: { limit: 10, cursor } } })
      if (page === undefined) throw new Error('a page failed')
      expect(page.data.length).toBeLessThanOrEqual(10)
      for (const row of page.data) {
        seen.push(row.id)
        createdAt.push(row.createdAt)
      }
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(seen).toHaveLength(ids.length)
    expect([...seen].sort()).toEqual([...ids].sort())
    expect(createdAt).toEqual([...createdAt].sort().reverse())
  })
})
