import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { Type } from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GENERATED_FILE, renderMetaSchemaValidator } from '../generate-meta-schema.ts'
import { createTestServer, expectProblem, parseJson, type TestServer } from '../test/test-server.ts'
import { BODY_OPTIONS } from './ajv-options.ts'
import compiledDraft07 from './meta-schema.generated.ts'

describe('schema validation', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer()
    const { app } = server
    app.addSchema({ $id: 'Name', type: 'string', minLength: 1, maxLength: 200 })
    const Body = Type.Object(
      { name: Type.String({ minLength: 1 }), email: Type.Optional(Type.String({ format: 'email' })) },
      { additionalProperties: false },
    )
    app.post('/items', { schema: { body: Body } }, async (request) => request.body)
    app.get(
      '/items',
      {
        schema: {
          querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }),
        },
      },
      async (request) => ({ limit: request.query.limit, type: typeof request.query.limit }),
    )
    app.get('/items/:id', { schema: { params: Type.Object({ id: Type.Integer() }) } }, async (request) => ({
      id: request.params.id,
      type: typeof request.params.id,
    }))
    app.post(
      '/named',
      { schema: { body: { type: 'object', properties: { name: { $ref: 'Name#' } } } } },
      async () => ({
        ok: true,
      }),
    )
    await app.ready()
  })
  afterAll(() => server.app.close())

  const postItem = (payload: unknown) =>
    server.app.inject({ method: 'POST', url: '/items', payload: payload as object })

  it('refuses unknown fields instead of dropping them', async () => {
    const body = expectProblem(await postItem({ name: 'a', admin: true }), 400, 'validation_failed')
    expect(body.errors).toEqual([{ path: '/body/admin', message: 'must NOT have additional properties' }])
  })

  it('does not coerce body types: a number for a string field is a 400', async () => {
    const body = expectProblem(await postItem({ name: 42 }), 400, 'validation_failed')
    expect(body.errors).toEqual([{ path: '/body/name', message: 'must be string' }])
  })

  it('names a missing required field by its path', async () => {
    const body = expectProblem(await postItem({}), 400, 'validation_failed')
    expect(body.errors).toEqual([{ path: '/body/name', message: expect.stringContaining('name') }])
  })

  it('checks formats with ajv-formats', async () => {
    expectProblem(await postItem({ name: 'a', email: 'not-an-email' }), 400, 'validation_failed')
    expect((await postItem({ name: 'a', email: 'a@example.com' })).statusCode).toBe(200)
  })

  it('coerces querystring and params, and applies defaults', async () => {
    expect(parseJson((await server.app.inject({ url: '/items?limit=20' })).body)).toEqual({
      limit: 20,
      type: 'number',
    })
    expect(parseJson((await server.app.inject({ url: '/items' })).body)).toEqual({
      limit: 20,
      type: 'number',
    })
    expect(parseJson((await server.app.inject({ url: '/items/7' })).body)).toEqual({ id: 7, type: 'number' })
    const bad = expectProblem(await server.app.inject({ url: '/items?limit=abc' }), 400, 'validation_failed')
    expect(bad.errors).toEqual([{ path: '/querystring/limit', message: 'must be integer' }])
    expectProblem(await server.app.inject({ url: '/items?limit=101' }), 400, 'validation_failed')
  })

  it('resolves schemas added with app.addSchema', async () => {
    const ok = await server.app.inject({ method: 'POST', url: '/named', payload: { name: 'x' } })
    expect(ok.statusCode).toBe(200)
    const bad = await server.app.inject({ method: 'POST', url: '/named', payload: { name: '' } })
    expectProblem(bad, 400, 'validation_failed')
  })
})

describe('schemas that break JSON Schema are refused at start, whichever part they validate', () => {
  // A negative minLength compiles into a check that always passes; only the meta-schema catches it.
  const broken = { type: 'object', properties: { q: { type: 'string', minLength: -1 } } }

  for (const part of ['body', 'querystring', 'params', 'headers'] as const) {
    it(`${part}`, async () => {
      const { app } = await createTestServer()
      try {
        app.post('/broken', { schema: { [part]: broken } }, async () => ({ ok: true }))
        await expect(app.ready()).rejects.toThrow(/schema is invalid: data\/properties\/q\/minLength/)
      } finally {
        await app.close()
      }
    })
  }
})

describe('the meta-schema compiled ahead of time', () => {
  it('is what the installed Ajv compiles now (pnpm generate:meta-schema after an upgrade)', () => {
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(renderMetaSchemaValidator())
  })

  it("gives Ajv's own verdict and first error on valid and broken schemas", () => {
    const validateDraft07 = compiledDraft07 as ValidateFunction
    const ajv = new Ajv(BODY_OPTIONS)
    addFormats.default(ajv)
    const schemas: unknown[] = [
      true,
      {},
      { type: 'object', properties: { q: { type: 'string', minLength: 1 } }, required: ['q'] },
      { type: 'array', items: [{ type: 'integer' }], additionalItems: false, uniqueItems: true },
      { enum: [1, 1] },
      { type: 'object', properties: { q: { type: 'string', minLength: -1 } } },
      { type: 'strin' },
      { type: ['string', 'string'] },
      { required: 'q' },
      { properties: { a: 1 } },
      { anyOf: [] },
      { $ref: 5 },
      { pattern: 7 },
    ]
    for (const schema of schemas) {
      const expected = ajv.validateSchema(schema as object)
      expect(validateDraft07(schema), JSON.stringify(schema)).toBe(expected)
      expect(ajv.errorsText(validateDraft07.errors)).toBe(ajv.errorsText(ajv.errors))
    }
  })

  it('refuses a broken schema added with addSchema, and checks one naming another meta-schema with Ajv', async () => {
    const added = await createTestServer()
    try {
      added.app.addSchema({ $id: 'Broken', type: 'string', maxLength: -2 })
      added.app.post('/named', { schema: { body: { $ref: 'Broken#' } } }, async () => ({ ok: true }))
      await expect(added.app.ready()).rejects.toThrow(/schema is invalid: data\/maxLength must be >= 0/)
    } finally {
      await added.app.close()
    }
    const other = await createTestServer()
    try {
      const schema = { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' }
      other.app.post('/other', { schema: { body: schema } }, async () => ({ ok: true }))
      await expect(other.app.ready()).rejects.toThrow(
        /no schema with key or ref "http:\/\/json-schema.org\/draft-04\/schema#"/,
      )
    } finally {
      await other.app.close()
    }
  })
})
