import { Type } from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, parseJson, type TestServer } from '../test/test-server.ts'
import { addRouteDocs } from './openapi.ts'

type Operation = {
  summary: string
  operationId: string
  tags: string[]
  security: unknown[]
  parameters?: { name: string; in: string; required: boolean }[]
  responses: Record<string, { description: string; headers?: object; content?: Record<string, unknown> }>
}

describe('the OpenAPI document', () => {
  let server: TestServer
  let document: Record<string, unknown>
  const operation = (path: string, method: string) =>
    (document.paths as Record<string, Record<string, Operation>>)[path]?.[method] as Operation
  beforeAll(async () => {
    server = await createTestServer({ rateLimit: {}, underPressure: {} })
    // A route as a user writes it: a schema, no documentation at all, under a prefix.
    await server.app.register(
      async (child) => {
        child.addHook('onRoute', (route) => addRouteDocs(route, { problems: { 404: ['not_found'] } }))
        child.post(
          '/',
          { schema: { body: Type.Object({ name: Type.String() }), response: { 201: Type.Object({}) } } },
          async (_request, reply) => reply.code(201).send({}),
        )
        child.get(
          '/:id',
          {
            schema: {
              params: Type.Object({ id: Type.String() }),
              querystring: Type.Object({ limit: Type.Integer({ default: 20 }) }),
            },
          },
          async () => ({}),
        )
      },
      { prefix: '/widgets' },
    )
    const response = await server.app.inject({ url: '/openapi.json' })
    document = parseJson(response.body)
  })
  afterAll(() => server.app.close())

  it('publishes the path clients call, without the trailing slash the prefix route has', () => {
    expect(Object.keys(document.paths as object)).toEqual(
      expect.arrayContaining(['/widgets', '/widgets/{id}', '/healthz', '/readyz']),
    )
    expect(Object.keys(document.paths as object)).not.toContain('/widgets/')
  })

  it('derives summary, operationId, tag and security for an undocumented route', () => {
    expect(operation('/widgets', 'post')).toMatchObject({
      summary: 'POST /widgets',
      operationId: 'postWidgets',
      tags: ['widgets'],
      security: [],
    })
    expect(operation('/widgets/{id}', 'get').operationId).toBe('getWidgetsById')
    expect(document.tags).toEqual(
      expect.arrayContaining([{ name: 'widgets', description: expect.any(String) }]),
    )
  })

  it('documents every problem the server itself can answer, on one Problem schema, with Retry-After', () => {
    const responses = operation('/widgets', 'post').responses
    expect(Object.keys(responses).sort()).toEqual(['201', '400', '404', '408', '413', '415', '429', '503'])
    expect(responses['201']?.description).toBe('Created')
    expect(responses['415']?.content).toEqual({
      'application/problem+json': {
        schema: {
          allOf: [
            { $ref: '#/components/schemas/Problem' },
            { type: 'object', properties: { code: { enum: ['unsupported_media_type'] } } },
          ],
        },
      },
    })
    expect(responses['429']?.headers).toHaveProperty('Retry-After')
    expect(responses['503']?.headers).toHaveProperty('Retry-After')
    expect(document.components).toMatchObject({ schemas: { Problem: { type: 'object' } } })
  })

  it('leaves out what a route cannot answer: the liveness probe is never throttled or shed', () => {
    const responses = operation('/healthz', 'get').responses
    expect(Object.keys(responses).sort()).toEqual(['200', '408'])
    expect(operation('/readyz', 'get').responses['503']?.description).toContain('unavailable')
  })

  it('marks a parameter with a default as optional', () => {
    const limit = operation('/widgets/{id}', 'get').parameters?.find((p) => p.name === 'limit')
    expect(limit).toMatchObject({ in: 'query', required: false })
  })

  it('fills servers and never says "Default Response"', () => {
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }])
    expect(JSON.stringify(document)).not.toContain('Default Response')
  })

  it('is served with no-cache and an ETag, and answers a matching If-None-Match with 304', async () => {
    const first = await server.app.inject({ url: '/openapi.json' })
    expect(first.headers['cache-control']).toBe('no-cache')
    expect(first.headers['content-type']).toMatch(/^application\/json/)
    const etag = String(first.headers.etag)
    const again = await server.app.inject({ url: '/openapi.json', headers: { 'if-none-match': etag } })
    expect(again.statusCode).toBe(304)
    expect(again.body).toBe('')
    const other = await server.app.inject({ url: '/openapi.json', headers: { 'if-none-match': '"other"' } })
    expect(other.statusCode).toBe(200)
  })
})

describe('503 in the OpenAPI document', () => {
  async function responsesOf(options: Parameters<typeof createTestServer>[0]) {
    const server = await createTestServer(options)
    server.app.get('/things', async () => ({}))
    const document = parseJson((await server.app.inject({ url: '/openapi.json' })).body) as {
      paths: Record<string, Record<string, Operation>>
    }
    await server.app.close()
    return Object.keys(document.paths['/things']?.get?.responses ?? {})
  }

  it('is documented when errors are mapped, even without load shedding: a dependency that is down is a 503', async () => {
    expect(await responsesOf({ underPressure: false, mapError: () => undefined })).toContain('503')
  })

  it('is left out when nothing can make the route answer it', async () => {
    expect(await responsesOf({ underPressure: false })).not.toContain('503')
  })
})
