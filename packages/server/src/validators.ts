import { Ajv, type Options as AjvOptions, type AnySchema } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify'

type HttpPart = 'body' | 'headers' | 'params' | 'querystring'
type ValidatorCompiler = FastifySchemaCompiler<AnySchema>
type ValidatorFactory = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']
>

const SHARED: AjvOptions = {
  // Unknown fields must reach the schema's additionalProperties:false and fail, never vanish silently.
  removeAdditional: false,
  useDefaults: true,
  // One error is enough for the client; collecting all of them lets a large body cost a lot of CPU.
  allErrors: false,
  addUsedSchema: false,
}

/**
 * Builds Fastify's validator with two Ajv instances: bodies are JSON and keep their types (a number for a
 * string field is a 400), while querystring, params and headers arrive as strings and are coerced
 * (`?limit=20` becomes 20). Schemas added with `app.addSchema` reach both instances, so `$ref` works.
 *
 * Every schema is checked against JSON Schema's meta-schema by the body instance alone: compiling the
 * meta-schema is ~30 ms of a cold start, and a second instance would compile it again for the same verdict.
 */
export function createValidatorFactory(): ValidatorFactory {
  const pool = new Map<string, ValidatorCompiler>()
  const build = (externalSchemas: Record<string, AnySchema>): ValidatorCompiler => {
    const key = JSON.stringify(externalSchemas)
    const cached = pool.get(key)
    if (cached !== undefined) return cached
    const body = createAjv({ ...SHARED, coerceTypes: false }, externalSchemas)
    const strings = createAjv({ ...SHARED, coerceTypes: 'array', validateSchema: false }, externalSchemas)
    const compile: ValidatorCompiler = ({ schema, httpPart }) => {
      const ajv = (httpPart as HttpPart | undefined) === 'body' ? body : strings
      const id = typeof schema === 'object' && schema !== null && '$id' in schema ? schema.$id : undefined
      const known = typeof id === 'string' ? ajv.getSchema(id) : undefined
      if (known !== undefined) return known
      // Throws "schema is invalid: ..." as the body instance's own compile does.
      if (ajv === strings) body.validateSchema(schema, true)
      return ajv.compile(schema)
    }
    pool.set(key, compile)
    return compile
  }
  // Fastify's declared factory type describes the Ajv pool of @fastify/ajv-compiler, not the call Fastify
  // makes at run time (`factory(externalSchemas, ajvOptions)({ schema, httpPart, ... })`), which this is.
  return build as unknown as ValidatorFactory
}

function createAjv(options: AjvOptions, externalSchemas: Record<string, AnySchema>): Ajv {
  const ajv = new Ajv(options)
  addFormats.default(ajv)
  for (const schema of Object.values(externalSchemas)) ajv.addSchema(schema)
  return ajv
}
