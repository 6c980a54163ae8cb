import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, parseJson, type TestServer } from '../test/test-server.ts'

type Serializer = (data: unknown) => string

describe('response serializers', () => {
  let server: TestServer
  const seen = new Map<string, Serializer>()
  const record = (key: string, reply: FastifyReply) => {
    seen.set(key, reply.getSerializationFunction('200') as Serializer)
  }

  beforeAll(async () => {
    server = await createTestServer()
    const { app } = server
    const Account = Type.Object({ id: Type.String(), email: Type.String() })
    const account = { id: 'a1', email: 'a@example.com', passwordHash: 'never sent' }
    app.get('/me', { schema: { response: { 200: Account } } }, async (request, reply) => {
      record(`${request.method} /me`, reply)
      return account
    })
    app.post('/login', { schema: { response: { 200: Account } } }, async (_request, reply) => {
      record('POST /login', reply)
      return account
    })
    // The same fields written again: another schema object, so its own serializer.
    const Other = Type.Object({ id: Type.String() })
    app.get('/other', { schema: { response: { 200: Other } } }, async (_request, reply) => {
      record('GET /other', reply)
      return account
    })
    await app.ready()
  })
  afterAll(() => server.app.close())

  it('compiles a schema shared by several routes, and the HEAD route of a GET, once', async () => {
    for (const [method, url] of [
      ['GET', '/me'],
      ['HEAD', '/me'],
      ['POST', '/login'],
      ['GET', '/other'],
    ] as const)
      expect((await server.app.inject({ method, url })).statusCode).toBe(200)
    const shared = seen.get('GET /me')
    expect(shared).toBeTypeOf('function')
    expect(seen.get('HEAD /me')).toBe(shared)
    expect(seen.get('POST /login')).toBe(shared)
    expect(seen.get('GET /other')).not.toBe(shared)
  })

  it('still answers each route with its own schema: no field beyond it leaves the service', async () => {
    expect(parseJson((await server.app.inject({ method: 'POST', url: '/login' })).body)).toEqual({
      id: 'a1',
      email: 'a@example.com',
    })
    expect(parseJson((await server.app.inject({ method: 'GET', url: '/other' })).body)).toEqual({ id: 'a1' })
  })
})
