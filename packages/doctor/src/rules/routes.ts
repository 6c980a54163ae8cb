import {
  calleeOf,
  children,
  hasSpread,
  importsOf,
  mentions,
  numberValue,
  propertiesOf,
  propertyAt,
  stringValue,
  unwrap,
  walk,
} from '../_ast.ts'
import type { AstNode, Project } from '../_project.ts'
import {
  isAuthPath,
  isWebhookPath,
  listAppWidePlugins,
  listRoutes,
  type Route,
  routeMentions,
} from '../_routes.ts'
import type { Problem } from '../types.ts'
import { defineRule } from './_rule.ts'

const rateLimitPackages =
  /^(?:express-rate-limit|@fastify\/rate-limit|rate-limiter-flexible|express-slow-down|express-brute)$/
const tokenKeys = new Set([
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'jwt',
  'sessionToken',
  'session_token',
])

const at = (project: Project, route: Route, message: string): Problem => ({
  ...project.locate(route.file.path, route.call.start),
  message,
})

/** A rate limiter applied to every route: `app.use(rateLimit(...))`, `app.register(rateLimit)`, or shipshape's server. */
function hasAppWideRateLimit(project: Project): boolean {
  const plugins = listAppWidePlugins(project).some(({ file, args }) => {
    const imports = importsOf(file.program)
    const [first, options] = args
    const bare = unwrap(first)
    const local =
      bare?.type === 'CallExpression'
        ? calleeOf(bare).name
        : bare?.type === 'Identifier'
          ? (bare.name as string)
          : undefined
    if (!local || !rateLimitPackages.test(imports.get(local)?.source ?? '')) return false
    return unwrap(propertiesOf(options).get('global'))?.value !== false
  })
  if (plugins) return true
  return project.sourceFiles().some((file) => {
    const imports = importsOf(file.program)
    let found = false
    walk(file.program, (node) => {
      if (found || node.type !== 'CallExpression') return
      const { name, object } = calleeOf(node)
      if (name !== 'createServer' || object || imports.get(name)?.source !== '@shipshape/server') return
      found = unwrap(propertiesOf(children(node, 'arguments')[0]).get('rateLimit'))?.value !== false
    })
    return found
  })
}

export const authRouteNoRateLimit = defineRule({
  id: 'auth-route-no-rate-limit',
  severity: 'error',
  title: 'Auth route without a rate limit',
  why: 'Without a limit an attacker tries passwords or tokens as fast as the service answers (credential stuffing).',
  fix: 'Put a rate limit on the route (Fastify: `config: { rateLimit: {...} }` with @fastify/rate-limit; Express: express-rate-limit middleware), per client and per account.',
  check(project) {
    if (hasAppWideRateLimit(project)) return []
    return listRoutes(project)
      .filter((route) => isAuthPath(route.path) && route.method !== 'get')
      .filter((route) => !routeMentions(route, (name) => /rate.?limit|limiter|throttle/i.test(name)))
      .map((route) => at(project, route, `${route.method.toUpperCase()} ${route.path} has no rate limit.`))
  },
})

function objectWithToken(node: AstNode | undefined): string | undefined {
  return [...propertiesOf(node).keys()].find((key) => tokenKeys.has(key))
}

export const tokenInBody = defineRule({
  id: 'token-in-body',
  severity: 'warning',
  title: 'Token returned in a JSON body',
  why: 'A token in a response body ends up in JavaScript memory and storage, where any XSS reads it.',
  fix: 'Send tokens only as `HttpOnly; Secure; SameSite` cookies and return the user, not the token.',
  check(project) {
    const problems: Problem[] = []
    for (const route of listRoutes(project)) {
      walk(route.handler, (node) => {
        let payload: AstNode | undefined
        if (node.type === 'CallExpression' && ['json', 'send'].includes(calleeOf(node).name ?? ''))
          payload = children(node, 'arguments')[0]
        if (node.type === 'ReturnStatement') payload = node.argument as AstNode | undefined
        const key = objectWithToken(payload)
        if (key && payload)
          problems.push({
            ...project.locate(route.file.path, payload.start),
            message: `${route.method.toUpperCase()} ${route.path} returns "${key}" in its JSON body.`,
          })
      })
    }
    return problems
  },
})

export const webhookUnverified = defineRule({
  id: 'webhook-unverified',
  severity: 'error',
  title: 'Webhook taken without a signature check',
  why: 'Anyone who finds the URL can forge events (a paid invoice, a shipped order) unless each delivery is verified.',
  fix: 'Verify the signature over the raw body with a constant-time comparison (Standard Webhooks, or the sender SDK such as stripe.webhooks.constructEvent) and reject replays by delivery id.',
  check(project) {
    return listRoutes(project)
      .filter((route) => route.method === 'post' && isWebhookPath(route.path))
      .filter(
        (route) =>
          !routeMentions(route, (name) => /verif|signature|timingSafeEqual|constructEvent|hmac/i.test(name)),
      )
      .map((route) =>
        at(project, route, `POST ${route.path} acts on the delivery without verifying its signature.`),
      )
  },
})

function isCreate(route: Route): boolean {
  let creates = false
  walk(route.handler, (node) => {
    if (creates) return
    if (numberValue(node) === 201) creates = true
    if (
      node.type === 'CallExpression' &&
      ['insert', 'create', 'insertOne', 'save'].includes(calleeOf(node).name ?? '')
    )
      creates = true
    if (stringValue(node)?.trimStart().toLowerCase().startsWith('insert')) creates = true
  })
  return creates
}

export const createWithoutIdempotency = defineRule({
  id: 'create-without-idempotency',
  severity: 'warning',
  title: 'Create route without idempotency',
  why: 'A client that retries after a timeout creates the resource twice (a double booking, a double charge).',
  fix: 'Honour an `Idempotency-Key` header: store the key with the first response and replay it (shipshape: `config: { idempotency: true }` with @shipshape/idempotency).',
  check(project) {
    const appWide = listAppWidePlugins(project).some(({ args }) =>
      args.some((arg) => mentions(arg, (name) => /idempot/i.test(name))),
    )
    if (appWide) return []
    return listRoutes(project)
      .filter(
        (route) =>
          route.method === 'post' && !isAuthPath(route.path) && !isWebhookPath(route.path) && isCreate(route),
      )
      .filter(
        (route) =>
          !propertyAt(route.options, ['config', 'idempotency']) &&
          !routeMentions(route, (name) => /idempot/i.test(name)),
      )
      .map((route) =>
        at(project, route, `POST ${route.path} creates a resource but ignores Idempotency-Key.`),
      )
  },
})

/** The service publishes an OpenAPI document: it registers @fastify/swagger, or uses shipshape's server (which does). */
function publishesOpenApi(project: Project): boolean {
  return project
    .sourceFiles()
    .some((file) =>
      [...importsOf(file.program).values()].some(
        (binding) =>
          binding.source === '@fastify/swagger' ||
          (binding.source === '@shipshape/server' && binding.imported === 'createServer'),
      ),
    )
}

/**
 * Whether a route's options say, where the code shows it, that it has no response schema: options written
 * out (no spread) with no `schema`, or a `schema` written out without `response` and not hidden. Options or
 * a schema built elsewhere (a variable, a call) are given the benefit of the doubt.
 */
function lacksResponseSchema(route: Route): boolean {
  if (route.middleware.length > 0) return false
  const options = unwrap(route.options)
  if (options !== undefined && (options.type !== 'ObjectExpression' || hasSpread(options))) return false
  const schema = unwrap(propertiesOf(options).get('schema'))
  if (schema === undefined) return true
  if (schema.type !== 'ObjectExpression' || hasSpread(schema)) return false
  const properties = propertiesOf(schema)
  if (unwrap(properties.get('hide'))?.value === true) return false
  return !properties.has('response')
}

export const openapiUndocumentedRoute = defineRule({
  id: 'openapi-undocumented-route',
  severity: 'warning',
  title: 'Route missing from the OpenAPI document',
  why: 'A route without a response schema is published with no answer described (or not at all), so clients generated from the document cannot call it and nothing checks what it returns.',
  fix: 'Give the route `schema: { response: { 200: ... } }` (and `body`/`params`/`querystring`); shipshape derives the rest of its document from it. Hide an internal route with `schema: { hide: true }`.',
  check(project) {
    if (!publishesOpenApi(project)) return []
    return listRoutes(project)
      .filter(lacksResponseSchema)
      .map((route) =>
        at(
          project,
          route,
          `${route.method.toUpperCase()} ${route.path} has no response schema, so /openapi.json cannot describe it.`,
        ),
      )
  },
})
