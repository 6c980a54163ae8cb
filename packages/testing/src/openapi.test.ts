import { createServer } from '@shipshape/server'
import { afterAll, describe, expect, it } from 'vitest'
import { lintOpenApi, renderOpenApiTypes, watchOpenApiConformance } from './openapi.ts'

const app = await createServer({
  name: 'conformance',
  rateLimit: false,
  underPressure: false,
  logger: { level: 'silent' },
})
const violations = watchOpenApiConformance(app)
let answer: { status: number; body: unknown } = { status: 200, body: { name: 'ok' } }
app.get(
  '/things/:id',
  {
    schema: {
      params: { type: 'object', properties: { id: { type: 'string' } } },
      response: { 200: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
    },
  },
  async (_request, reply) =>
    reply
      .code(answer.status as 200)
      .type(answer.status >= 400 ? 'application/problem+json' : 'application/json')
      .send(answer.body as never),
)
afterAll(() => app.close())

describe('watchOpenApiConformance', () => {
  it('passes a documented status whose body matches its schema', async () => {
    violations.length = 0
    answer = { status: 200, body: { name: 'ok' } }
    await app.inject({ url: '/things/1' })
    expect(violations).toEqual([])
  })

  it('reports a status the document does not list for the route', async () => {
    violations.length = 0
    answer = { status: 202, body: { name: 'ok' } }
    await app.inject({ url: '/things/1' })
    expect(violations).toEqual(['GET /things/{id} → 202: a status the document does not list'])
  })

  it('reports a problem body that does not match the shared Problem schema', async () => {
    violations.length = 0
    answer = { status: 400, body: { message: 'not a problem document' } }
    await app.inject({ url: '/things/1' })
    expect(violations).toEqual([
      expect.stringMatching(/^GET \/things\/\{id\} → 400: .*must have required property/),
    ])
  })
})

describe('lintOpenApi and renderOpenApiTypes', () => {
  it('lints with the recommended rules: a bare document has errors', async () => {
    const problems = await lintOpenApi({ openapi: '3.1.0', info: { title: 'x', version: '1' }, paths: {} })
    expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'no-empty-servers' })]))
  })

  it('renders the types of a document with TypeScript 5, whatever the workspace compiler is', async () => {
    const types = await renderOpenApiTypes((await app.inject({ url: '/openapi.json' })).json())
    expect(types).toContain('"/things/{id}": {')
    expect(types).toMatch(/^\/\/ Generated/)
  })
})
