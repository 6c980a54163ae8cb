/// <reference types="@fastify/swagger" preserve="true" />
// Brings `app.swagger()` into the published types of App: a service exports its document with it.
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify'
import { getStatusTitle, problemSchema } from './problem.ts'

/** A request header a route reads but does not validate through its schema (Idempotency-Key, signatures). */
export interface HeaderDoc {
  description: string
  required?: boolean
  schema: Record<string, unknown>
}

/** An OpenAPI security scheme, declared by the building block that enforces it (auth: the session cookie). */
export interface SecuritySchemeDoc {
  type: 'apiKey'
  in: 'cookie' | 'header' | 'query'
  name: string
  description?: string
}

/**
 * What a route says about itself in the OpenAPI document beyond its schema, in `config.openapi`. Building
 * blocks add their part from an `onRoute` hook with `addRouteDocs`; anything left out is derived (summary,
 * operationId and tag from the path, the problems every route of this server can answer).
 */
export interface RouteDocs {
  summary?: string
  description?: string
  operationId?: string
  tags?: readonly string[]
  /** What each tag groups, for the document's tag list; an undescribed tag gets a generic line. */
  tagDescriptions?: Readonly<Record<string, string>>
  /** The schemes a request must satisfy, by name; a route with none is public (`security: []`). */
  security?: Readonly<Record<string, SecuritySchemeDoc>>
  /** Problem responses the route itself gives: status → the `code` values a client may see. */
  problems?: Readonly<Record<number, readonly string[]>>
  /** Request headers the route reads. */
  headers?: Readonly<Record<string, HeaderDoc>>
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route's part of the OpenAPI document; see `RouteDocs`. */
    openapi?: RouteDocs
  }
}

type JsonObject = Record<string, unknown>

/** Merges `docs` into a route's `config.openapi` (problems and headers add up); call it from `onRoute`. */
export function addRouteDocs(route: Pick<RouteOptions, 'config'>, docs: RouteDocs): void {
  const config = (route.config ?? {}) as { openapi?: RouteDocs }
  config.openapi = mergeRouteDocs(config.openapi ?? {}, docs)
  route.config = config as RouteOptions['config']
}

function mergeRouteDocs(into: RouteDocs, docs: RouteDocs): RouteDocs {
  const problems: Record<number, string[]> = {}
  for (const source of [into.problems, docs.problems]) {
    for (const [status, codes] of Object.entries(source ?? {})) {
      problems[Number(status)] = [...new Set([...(problems[Number(status)] ?? []), ...codes])]
    }
  }
  return {
    ...into,
    ...docs,
    problems,
    headers: { ...into.headers, ...docs.headers },
    tagDescriptions: { ...into.tagDescriptions, ...docs.tagDescriptions },
    security: { ...into.security, ...docs.security },
  }
}

export interface DocumentOptions {
  title: string
  version: string
  description?: string
  /** The terms the API is offered under (`{ name: 'Proprietary' }` for an internal service). */
  license?: { name: string; identifier?: string; url?: string }
  /** Where clients reach the service; default `/`, the origin that served the document. */
  servers?: readonly { url: string; description?: string }[]
}

interface ServerTraits {
  rateLimited: boolean
  /**
   * A route may answer 503: the server sheds load, or maps errors (a dependency that is down, such as an
   * unreachable database, becomes 503 `unavailable` through `mapError`).
   */
  mayBeUnavailable: boolean
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH'])
const RETRY_AFTER = {
  description: 'Seconds to wait before retrying.',
  schema: { type: 'integer', minimum: 0 },
}
const PROBLEM_REF = '#/components/schemas/Problem'

/** The problems this server answers on a route whatever its handler does. */
function deriveProblems(route: RouteOptions, method: string, traits: ServerTraits): Record<number, string[]> {
  const schema = (route.schema ?? {}) as FastifySchema
  const problems: Record<number, string[]> = { 408: ['request_timeout'] }
  if (schema.body !== undefined || schema.querystring !== undefined || schema.params !== undefined) {
    problems[400] = ['validation_failed']
  }
  if (schema.body !== undefined && BODY_METHODS.has(method)) {
    problems[413] = ['payload_too_large']
    problems[415] = ['unsupported_media_type']
  }
  if (traits.rateLimited && route.config?.rateLimit !== false) problems[429] = ['rate_limited']
  // A route with its own pressureHandler (the liveness probe) is never shed and touches no dependency.
  const config = route.config as { pressureHandler?: unknown } | undefined
  if (traits.mayBeUnavailable && config?.pressureHandler === undefined) problems[503] = ['unavailable']
  return problems
}

/** `/items/` and `/items/:id` → `/items` and `/items/{id}`: the paths clients call. */
export function toOpenApiPath(url: string): string {
  const path = url.replace(/:(\w+)/g, '{$1}')
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
}

/** `GET /items/{id}` → `getItemsById`: unique per method and path, stable while both are. */
function deriveOperationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (segment.startsWith('{') ? `by-${segment.slice(1, -1)}` : segment))
    .flatMap((segment) => segment.split(/[^A-Za-z0-9]+/))
    .filter((word) => word !== '')
  return [method.toLowerCase(), ...words.map((word) => word[0]?.toUpperCase() + word.slice(1))].join('')
}

interface ResolvedRoute {
  docs: RouteDocs
  problems: Readonly<Record<number, readonly string[]>>
}

/**
 * The @fastify/swagger options of a server: `transform` reads each route's declarations, `transformObject`
 * writes them into the document (problem+json responses on one `Problem` schema, Retry-After, request
 * headers, security, tags, servers). Nothing is kept by hand: a route with a schema is documented as it is.
 */
export function createDocumentOptions(info: DocumentOptions, traits: ServerTraits) {
  const routes = new Map<string, ResolvedRoute>()
  const transform = ({ schema, url, route }: { schema: unknown; url: string; route: RouteOptions }) => {
    const path = toOpenApiPath(url)
    const docs = route.config?.openapi ?? {}
    for (const method of [route.method].flat()) {
      const derived = deriveProblems(route, method, traits)
      const { problems = {} } = mergeRouteDocs({ problems: derived }, { problems: docs.problems ?? {} })
      routes.set(`${method.toLowerCase()} ${path}`, { docs, problems })
    }
    return { schema: schema as JsonObject, url: path }
  }
  // Typed loosely: the document this returns is OpenAPI 3.1, which @fastify/swagger's types (3.0) do not cover.
  const transformObject = (document: { openapiObject: Partial<JsonObject> } | { swaggerObject: unknown }) =>
    completeDocument(
      ('openapiObject' in document ? document.openapiObject : {}) as JsonObject,
      info,
      routes,
    ) as never
  return {
    openapi: { openapi: '3.1.0', info: { title: info.title, version: info.version } },
    transform,
    transformObject,
  }
}

function completeDocument(document: JsonObject, info: DocumentOptions, routes: Map<string, ResolvedRoute>) {
  const schemes: Record<string, SecuritySchemeDoc> = {}
  const tags = new Map<string, string>()
  const paths = (document.paths ?? {}) as Record<string, Record<string, JsonObject>>
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const route = routes.get(`${method} ${path}`) ?? { docs: {}, problems: {} }
      completeOperation(operation, method, path, route)
      Object.assign(schemes, route.docs.security)
      for (const tag of operation.tags as string[]) {
        const description = route.docs.tagDescriptions?.[tag] ?? tags.get(tag) ?? `The ${tag} operations.`
        tags.set(tag, description)
      }
    }
  }
  const components = (document.components ?? {}) as JsonObject
  return {
    openapi: document.openapi,
    info: {
      title: info.title,
      version: info.version,
      ...(info.description === undefined ? {} : { description: info.description }),
      ...(info.license === undefined ? {} : { license: info.license }),
    },
    servers: info.servers ?? [{ url: '/', description: 'The origin that served this document' }],
    tags: [...tags.keys()].sort().map((name) => ({ name, description: tags.get(name) })),
    paths,
    components: {
      ...components,
      schemas: { ...(components.schemas as JsonObject), Problem: { ...problemSchema } },
      securitySchemes: schemes,
    },
  }
}

function completeOperation(operation: JsonObject, method: string, path: string, route: ResolvedRoute) {
  const { docs, problems } = route
  // Declared in config.openapi, else in the route schema (@fastify/swagger reads summary, tags, operationId
  // there), else derived from the path: every route is complete without anyone writing docs for it.
  operation.summary = docs.summary ?? operation.summary ?? `${method.toUpperCase()} ${path}`
  if (docs.description !== undefined) operation.description = docs.description
  operation.operationId = docs.operationId ?? operation.operationId ?? deriveOperationId(method, path)
  operation.tags = [
    ...(docs.tags ?? (operation.tags as string[] | undefined) ?? [path.split('/')[1] || 'root']),
  ]
  operation.security = Object.keys(docs.security ?? {}).map((name) => ({ [name]: [] }))
  // A parameter with a default (a page size) may be left out, whatever the route's schema says internally.
  for (const parameter of (operation.parameters as JsonObject[] | undefined) ?? []) {
    if ((parameter.schema as JsonObject | undefined)?.default !== undefined) parameter.required = false
  }
  const headers = Object.entries(docs.headers ?? {}).map(([name, header]) => ({
    name,
    in: 'header',
    required: header.required ?? false,
    description: header.description,
    schema: header.schema,
  }))
  if (headers.length > 0) {
    operation.parameters = [...((operation.parameters as unknown[] | undefined) ?? []), ...headers]
  }
  const responses = (operation.responses ?? {}) as Record<string, JsonObject>
  for (const [status, response] of Object.entries(responses)) {
    if (response.description === 'Default Response') response.description = getStatusTitle(Number(status))
  }
  for (const status of new Set([...Object.keys(problems), ...Object.keys(responses)])) {
    if (Number(status) >= 400) responses[status] = describeProblem(Number(status), problems[Number(status)])
  }
  operation.responses = responses
}

function describeProblem(status: number, codes: readonly string[] | undefined): JsonObject {
  const schema =
    codes === undefined || codes.length === 0
      ? { $ref: PROBLEM_REF }
      : { allOf: [{ $ref: PROBLEM_REF }, { type: 'object', properties: { code: { enum: [...codes] } } }] }
  return {
    description:
      codes === undefined ? getStatusTitle(status) : `${getStatusTitle(status)}: ${codes.join(', ')}`,
    ...(status === 429 || status === 503 ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
    content: { 'application/problem+json': { schema } },
  }
}

/**
 * `GET /openapi.json`: the document is fixed once the app is ready, so it is rendered once; `no-cache` with
 * an ETag lets clients and proxies keep it and revalidate cheaply, and a deploy is seen on the next request.
 */
export function registerDocumentRoute(app: FastifyInstance): void {
  let rendered: { body: string; etag: string } | undefined
  app.get('/openapi.json', { schema: { hide: true } }, async (request, reply) => {
    if (rendered === undefined) {
      const body = JSON.stringify(app.swagger())
      rendered = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }
    }
    reply.header('cache-control', 'no-cache').header('etag', rendered.etag)
    if (request.headers['if-none-match'] === rendered.etag) return reply.code(304).send()
    return reply.type('application/json; charset=utf-8').send(rendered.body)
  })
}
