import { fileURLToPath } from 'node:url'
import { createServer } from '@shipshape/server'
import { createTestDatabase } from '@shipshape/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { authPlugin } from './plugin.ts'
import * as schema from './schema.ts'

// No request here reaches a query, but the plugin prepares its statements on a real database at registration.
const database = await createTestDatabase({
  schema,
  migrationsFolder: fileURLToPath(new URL('../test/fixtures/migrations', import.meta.url)),
})
const app = await createServer({
  name: 'docs',
  rateLimit: false,
  underPressure: false,
  logger: { level: 'silent' },
})
await app.register(authPlugin, {
  db: database.db,
  jwtSecret: 's'.repeat(32),
  issuer: 'docs',
  audience: 'docs',
  allowedOrigins: ['https://app.example.test'],
  testArgon2Params: { params: { memoryCost: 256, timeCost: 1, parallelism: 1 }, unsafeTestOnly: true },
})
await app.register(
  async (child) => {
    child.requireSession()
    child.get('/', async () => ({}))
    child.delete('/:id', async (_request, reply) => reply.code(204).send())
  },
  { prefix: '/notes' },
)
app.get('/open', async () => ({}))
afterAll(async () => {
  await app.close()
  await database.destroy()
})
const document = (await app.inject({ url: '/openapi.json' })).json()
const operation = (path: string, method: string) => document.paths[path][method]

describe('what auth puts in the OpenAPI document', () => {
  it('requireSession() guards its plugin, and only it', async () => {
    expect((await app.inject({ url: '/notes' })).statusCode).toBe(401)
    expect((await app.inject({ url: '/open' })).statusCode).toBe(200)
  })

  it('refuses requireSession() after a route of its plugin, which it would guard but not document', async () => {
    const other = await createServer({ name: 'late', rateLimit: false, underPressure: false })
    await other.register(authPlugin, {
      db: database.db,
      jwtSecret: 's'.repeat(32),
      issuer: 'late',
      audience: 'late',
      allowedOrigins: ['https://app.example.test'],
    })
    other.register(async (child) => {
      child.get('/', async () => ({}))
      child.requireSession()
    })
    const ready = other.ready()
    await expect(ready).rejects.toThrow(/before declaring the routes/)
    await expect(ready).rejects.toMatchObject({ code: 'SHIPSHAPE_AUTH_SESSION_ORDER_INVALID' })
    await other.close()
  })

  it('documents the guarded routes with the session cookie scheme, 401, and 403 on unsafe methods', () => {
    expect(operation('/notes', 'get').security).toEqual([{ session: [] }])
    expect(Object.keys(operation('/notes', 'get').responses)).toContain('401')
    expect(Object.keys(operation('/notes', 'get').responses)).not.toContain('403')
    expect(operation('/notes/{id}', 'delete').responses['403'].description).toContain('csrf_failed')
    expect(operation('/open', 'get').security).toEqual([])
    expect(document.components.securitySchemes.session).toEqual({
      type: 'apiKey',
      in: 'cookie',
      name: '__Host-access',
      description: expect.any(String),
    })
  })

  it('documents each /auth route with its own problems and the Origin and JSON rules', () => {
    const login = operation('/auth/login', 'post')
    expect(login).toMatchObject({ operationId: 'logIn', tags: ['auth'], security: [] })
    expect(Object.keys(login.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '415', '429']))
    expect(login.responses['401'].description).toContain('invalid_credentials')
    expect(operation('/auth/me', 'get').security).toEqual([{ session: [] }])
    expect(operation('/auth/refresh', 'post').security).toEqual([{ refresh: [] }])
    expect(Object.keys(operation('/auth/logout', 'post').responses)).toContain('204')
  })
})
