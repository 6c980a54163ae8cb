import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifyServerOptions } from 'fastify'

type SerializerFactory = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']
>
type Serializer = (data: unknown) => string

/**
 * Fastify's response serializer (fast-json-stringify, through the compiler Fastify itself uses), compiled
 * once per schema object instead of once per route and status: a schema shared by several routes (one
 * `{ id, email }` answer for every auth route) and the `HEAD` route Fastify adds for each `GET` were each
 * compiled again at start. A serializer is a pure function of its schema and the compiler's options, so
 * routes answering with the same schema object can share it; a schema written twice is compiled twice.
 */
export function createSerializerFactory(): SerializerFactory {
  const buildCompiler = SerializerSelector()
  const factory = (...args: Parameters<typeof buildCompiler>) => {
    const compile = buildCompiler(...args)
    const compiled = new WeakMap<object, Serializer>()
    return (route: Parameters<typeof compile>[0]): Serializer => {
      const { schema } = route
      if (typeof schema !== 'object' || schema === null) return compile(route)
      let serializer = compiled.get(schema)
      if (serializer === undefined) {
        serializer = compile(route)
        compiled.set(schema, serializer)
      }
      return serializer
    }
  }
  // Fastify's declared type names fast-json-stringify-compiler's route definition, which this passes on as is.
  return factory as unknown as SerializerFactory
}
