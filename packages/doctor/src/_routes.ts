import {
  calleeOf,
  child,
  children,
  isFunction,
  nameOf,
  propertiesOf,
  stringValue,
  unwrap,
  walk,
} from './_ast.ts'
import type { AstNode, Project, SourceFile } from './_project.ts'

export interface Route {
  file: SourceFile
  call: AstNode
  method: string
  path: string
  /** Fastify's route options object (`app.post(path, { config, schema }, handler)` or `app.route({...})`). */
  options: AstNode | undefined
  /** Express's middleware between the path and the handler. */
  middleware: AstNode[]
  handler: AstNode | undefined
}

const methods = new Set(['get', 'post', 'put', 'patch', 'delete', 'all'])
/** Receivers that make outbound calls, not routes: `axios.post('/login', body)` is a client. */
const clients = new Set([
  'axios',
  'got',
  'ky',
  'http',
  'https',
  'client',
  'api',
  'undici',
  'request',
  'superagent',
  'supertest',
])

/** The HTTP routes a service declares in its own code, Fastify or Express style. */
export function listRoutes(project: Project): Route[] {
  const routes: Route[] = []
  for (const file of project.sourceFiles()) {
    walk(file.program, (node) => {
      if (node.type !== 'CallExpression') return
      const route = toRoute(file, node)
      if (route) routes.push(route)
    })
  }
  return routes
}

function toRoute(file: SourceFile, call: AstNode): Route | undefined {
  const { name, object, objectNode } = calleeOf(call)
  if (!name || !objectNode) return undefined
  if (object && clients.has(object)) return undefined
  const args = children(call, 'arguments')
  if (name === 'route' && args.length === 1) {
    const properties = propertiesOf(args[0])
    const path = stringValue(properties.get('url') ?? properties.get('path'))
    const method = stringValue(properties.get('method'))?.toLowerCase()
    if (!path || !method) return undefined
    return {
      file,
      call,
      method,
      path,
      options: unwrap(args[0]),
      middleware: [],
      handler: unwrap(properties.get('handler')),
    }
  }
  if (!methods.has(name) || args.length < 2) return undefined
  const path = stringValue(args[0])
  const last = args.at(-1)
  if (
    path === undefined ||
    !path.startsWith('/') ||
    !(isFunction(last) || unwrap(last)?.type === 'Identifier')
  )
    return undefined
  const between = args.slice(1, -1)
  const options =
    between.length === 1 && unwrap(between[0])?.type === 'ObjectExpression' ? unwrap(between[0]) : undefined
  return {
    file,
    call,
    method: name,
    path,
    options,
    middleware: options ? [] : between,
    handler: unwrap(last),
  }
}

/** The parts of a route that can carry a guard: its options, middleware and handler. */
export function routeParts(route: Route): AstNode[] {
  return [route.options, ...route.middleware, route.handler].filter(
    (part): part is AstNode => part !== undefined,
  )
}

/** Whether a guard of the route, by its names, matches test (rate limiters, idempotency, verification). */
export function routeMentions(route: Route, test: (name: string) => boolean): boolean {
  return routeParts(route).some((part) => {
    let found = false
    walk(part, (node) => {
      if (found) return
      const name =
        node.type === 'Identifier' ? (node.name as string) : node.type === 'Literal' ? node.value : undefined
      if (typeof name === 'string' && test(name)) found = true
    })
    return found
  })
}

const authPath =
  /(?:^|[/_-])(?:login|log-in|signin|sign-in|signup|sign-up|register|password|passwd|token|refresh|reset|forgot|otp|mfa|2fa|session)s?(?:$|[/_-])/i

export function isAuthPath(path: string): boolean {
  return authPath.test(path)
}

export function isWebhookPath(path: string): boolean {
  return /webhook|hooks?(?:$|\/)/i.test(path)
}

/** Every `x.use(...)` and `x.register(...)` argument in the service: what applies to all routes. */
export function listAppWidePlugins(project: Project): { file: SourceFile; call: AstNode; args: AstNode[] }[] {
  const found: { file: SourceFile; call: AstNode; args: AstNode[] }[] = []
  for (const file of project.sourceFiles()) {
    walk(file.program, (node) => {
      if (node.type !== 'CallExpression') return
      const name = nameOf(child(node, 'callee'))
      if (name === 'use' || name === 'register')
        found.push({ file, call: node, args: children(node, 'arguments') })
    })
  }
  return found
}
