import type { App } from '@shipshape/server'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { loadOpenApiTypescript } from './_openapi-typescript.ts'

type JsonObject = Record<string, unknown>
interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: JsonObject }> }>
}
export interface OpenApiDocument {
  paths?: Record<string, Record<string, Operation>>
  components?: JsonObject
  [member: string]: unknown
}

export interface LintProblem {
  severity: 'error' | 'warn'
  rule: string
  message: string
  pointer: string | undefined
}

/**
 * Lints an OpenAPI document with Redocly's `recommended` rules (the engine of `redocly lint`), no ignore
 * file: every error and warning is returned.
 */
export async function lintOpenApi(document: OpenApiDocument): Promise<LintProblem[]> {
  // Loaded here, not with this module: Redocly is heavy, and only the lint test needs it.
  const { createConfig, lintFromString } = await import('@redocly/openapi-core')
  const config = await createConfig({ extends: ['recommended'] })
  const results = await lintFromString({
    source: JSON.stringify(document, null, 2),
    absoluteRef: 'openapi.json',
    config,
  })
  return results.map((result) => ({
    severity: result.severity === 'error' ? 'error' : 'warn',
    rule: result.ruleId,
    message: result.message,
    pointer: result.location[0]?.pointer,
  }))
}

/** The TypeScript types of a document (openapi-typescript), for an openapi-fetch client. */
export async function renderOpenApiTypes(document: OpenApiDocument): Promise<string> {
  const header =
    "// Generated from the service's OpenAPI document by `pnpm openapi` (openapi-typescript). Do not edit.\n\n"
  const { default: openapiTS, astToString } = await loadOpenApiTypescript()
  return header + astToString(await openapiTS(document as never))
}

/** `/items/` and `/items/:id` as the document names them: `/items`, `/items/{id}`. */
function toDocumentPath(url: string): string {
  const path = url.replace(/:(\w+)/g, '{$1}')
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
}

/**
 * Every (operation, status) pair the document lists, as `METHOD /path status` (`POST /items 201`): what a
 * service's tests must have produced at least once.
 */
export function listDocumentedResponses(document: OpenApiDocument): string[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, operations]) =>
    Object.entries(operations).flatMap(([method, operation]) =>
      Object.keys(operation.responses ?? {}).map((status) => `${method.toUpperCase()} ${path} ${status}`),
    ),
  )
}

/**
 * Checks one response against the document: returns why it does not conform (a status the route does not
 * list, a body off its schema), or undefined when it does or the route is not documented. `url` is the
 * route's path as Fastify names it (`/items/:id`) or as the document does (`/items/{id}`). For answers sent
 * outside Fastify's hooks (a 408 on the raw socket), which `watchOpenApiConformance` cannot see.
 */
export function createOpenApiResponseChecker(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats.default(ajv)
  const validators = new Map<JsonObject, ValidateFunction>()
  return (method: string, url: string, status: number, contentType: string, body: string) => {
    const path = toDocumentPath(url)
    const operation = document.paths?.[path]?.[method.toLowerCase()] as Operation | undefined
    if (operation === undefined) return undefined
    const where = `${method.toUpperCase()} ${path} → ${status}`
    const response = operation.responses?.[String(status)]
    if (response === undefined) return `${where}: a status the document does not list`
    // Fastify drops the body of a 204 and a 304 after onSend, whatever was serialised.
    if (status === 204 || status === 304) return undefined
    if (body === '')
      return response.content === undefined ? undefined : `${where}: documented with a body, sent none`
    const media = contentType.split(';')[0]?.trim() ?? ''
    const schema = response.content?.[media]?.schema
    if (schema === undefined)
      return `${where}: sent ${media}, documented ${Object.keys(response.content ?? {})}`
    let validate = validators.get(schema)
    if (validate === undefined) {
      validate = ajv.compile({ ...schema, components: document.components })
      validators.set(schema, validate)
    }
    return validate(JSON.parse(body)) ? undefined : `${where}: ${ajv.errorsText(validate.errors)}`
  }
}

/**
 * Checks every response the app sends against its own `/openapi.json`: the status must be documented for
 * the route, and the body must match the documented schema of its media type (ajv, JSON Schema 2020-12).
 * Returns the list it fills with what did not; routes the document hides are not checked. Call before
 * `ready()`. `ignoreStatuses` is for a test that provokes a status on purpose (a 500 is never documented).
 * `observed`, when given, collects each conforming answer of a documented route as `METHOD /path status`
 * (as `listDocumentedResponses` names them), so a test can prove every documented answer was produced.
 */
export function watchOpenApiConformance(
  app: App,
  options: { ignoreStatuses?: readonly number[]; observed?: Set<string> } = {},
): string[] {
  const violations: string[] = []
  const ignored = new Set(options.ignoreStatuses ?? [])
  let check: ReturnType<typeof createOpenApiResponseChecker> | undefined
  let document: OpenApiDocument | undefined
  app.addHook('onSend', async (request, reply, payload) => {
    const url = request.routeOptions.url
    if (
      url === undefined ||
      ignored.has(reply.statusCode) ||
      !(typeof payload === 'string' || payload == null || Buffer.isBuffer(payload))
    ) {
      return payload
    }
    document ??= app.swagger() as OpenApiDocument
    check ??= createOpenApiResponseChecker(document)
    const contentType = String(reply.getHeader('content-type') ?? '')
    const violation = check(request.method, url, reply.statusCode, contentType, String(payload ?? ''))
    if (violation !== undefined) violations.push(violation)
    else if (options.observed !== undefined) {
      const path = toDocumentPath(url)
      const pair = `${request.method} ${path} ${reply.statusCode}`
      if (document.paths?.[path]?.[request.method.toLowerCase()]?.responses?.[reply.statusCode] !== undefined)
        options.observed.add(pair)
    }
    return payload
  })
  return violations
}

/**
 * A `fetch` that answers through `app.inject`, so an openapi-fetch client (`createClient({ fetch })`) talks
 * to the app in-process, with no socket.
 */
export function createInjectFetch(app: App): (input: Request) => Promise<Response> {
  return async (input) => {
    const url = new URL(input.url)
    const body = input.body === null ? undefined : await input.text()
    const response = await app.inject({
      method: input.method as 'GET',
      url: url.pathname + url.search,
      headers: Object.fromEntries(input.headers),
      ...(body === undefined || body === '' ? {} : { payload: body }),
    })
    const headers = new Headers()
    for (const [name, value] of Object.entries(response.headers)) {
      for (const item of [value ?? []].flat()) headers.append(name, String(item))
    }
    const empty = response.statusCode === 204 || response.statusCode === 304
    return new Response(empty ? null : response.rawPayload, { status: response.statusCode, headers })
  }
}
