import { Ajv, type Options as AjvOptions, type AnySchema, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify'
import { BODY_OPTIONS, DRAFT_07, SHARED } from './ajv-options.ts'
import compiledDraft07 from './meta-schema.generated.ts'

// Ajv's standalone code: a ValidateFunction, which leaves its errors on itself, as a compiled one does.
const validateDraft07 = compiledDraft07 as ValidateFunction

type HttpPart = 'body' | 'headers' | 'params' | 'querystring'
type ValidatorCompiler = FastifySchemaCompiler<AnySchema>
type ValidatorFactory = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']
>

/**
 * Builds Fastify's validator with two Ajv instances: bodies are JSON and keep their types (a number for a
 * string field is a 400), while querystring, params and headers arrive as strings and are coerced
 * (`?limit=20` becomes 20). Schemas added with `app.addSchema` reach both instances, so `$ref` works.
 *
 * Every schema, whichever part it validates, is checked against JSON Schema's meta-schema first (an invalid
 * one is refused at start, as Ajv's own check would): draft-07's, compiled ahead of time
 * (`meta-schema.generated.ts`), since compiling it at start was ~40 ms of CPU to ready. A schema naming
 * another `$schema` is checked by Ajv, which compiles that one.
 */
export function createValidatorFactory(): ValidatorFactory {
  const pool = new Map<string, ValidatorCompiler>()
  const build = (externalSchemas: Record<string, AnySchema>): ValidatorCompiler => {
    const key = JSON.stringify(externalSchemas)
    const cached = pool.get(key)
    if (cached !== undefined) return cached
    const body = createAjv(BODY_OPTIONS, externalSchemas)
    for (const schema of Object.values(externalSchemas)) assertValidSchema(body, schema)
    const strings = createAjv({ ...SHARED, coerceTypes: 'array' }, externalSchemas)
    const compile: ValidatorCompiler = ({ schema, httpPart }) => {
      const ajv = (httpPart as HttpPart | undefined) === 'body' ? body : strings
      const id = typeof schema === 'object' && schema !== null && '$id' in schema ? schema.$id : undefined
      const known = typeof id === 'string' ? ajv.getSchema(id) : undefined
      if (known !== undefined) return known
      assertValidSchema(body, schema)
      return ajv.compile(schema)
    }
    pool.set(key, compile)
    return compile
  }
  // Fastify's declared factory type describes the Ajv pool of @fastify/ajv-compiler, not the call Fastify
  // makes at run time (`factory(externalSchemas, ajvOptions)({ schema, httpPart, ... })`), which this is.
  return build as unknown as ValidatorFactory
}

/** Throws "schema is invalid: data/..." (Ajv's words) when `schema` breaks the meta-schema it names. */
function assertValidSchema(ajv: Ajv, schema: AnySchema): void {
  const named = typeof schema === 'object' && '$schema' in schema ? schema.$schema : undefined
  if (named !== undefined && String(named).replace(/#$/, '') !== DRAFT_07) {
    ajv.validateSchema(schema, true)
    return
  }
  if (!validateDraft07(schema))
    throw new Error(`schema is invalid: ${ajv.errorsText(validateDraft07.errors)}`)
}

function createAjv(options: AjvOptions, externalSchemas: Record<string, AnySchema>): Ajv {
  // The meta-schema check is assertValidSchema's: Ajv's own would compile the meta-schema at start.
  const ajv = new Ajv({ ...options, validateSchema: false })
  addFormats.default(ajv)
  for (const schema of Object.values(externalSchemas)) ajv.addSchema(schema)
  return ajv
}
