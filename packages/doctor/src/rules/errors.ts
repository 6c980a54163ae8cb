import { callChain, child, mentions, nameOf, unwrap, walk } from '../_ast.ts'
import type { AstNode } from '../_project.ts'
import { findInCalls } from './_calls.ts'
import { defineRule } from './_rule.ts'

/** What sends a response body: Express's `res.json/send/end/write`, Fastify's `reply.send`, Hono's `c.json`. */
const sendCalls = new Set(['json', 'send', 'end', 'write', 'jsonp'])
/** The names a handler gives its response: Express's `res`, Fastify's `reply`, Hono's `c`. */
const responseName = /^(?:res|response|reply|rep|c|ctx)$/
/** The names an error goes by in a handler or a catch block. */
const errorName = /^(?:e|err|error|ex|exc|exception|cause|reason)$|(?:Err|Error)$/
/** A test that keeps a branch to a developer's machine: `NODE_ENV === 'development' ? err.stack : undefined`. */
const environmentTest =
  /NODE_ENV|APP_ENV|isDev|isProd|isProduction|isDevelopment|development|production|debug/i

function isErrorStack(node: AstNode): boolean {
  if (node.type !== 'MemberExpression' || nameOf(node) !== 'stack') return false
  const name = nameOf(unwrap(child(node, 'object')))
  return name !== undefined && errorName.test(name)
}

/** The `err.stack` a response body carries, unless a branch on the environment guards it. */
function exposedStack(payload: AstNode | undefined): AstNode | undefined {
  let exposed: AstNode | undefined
  walk(payload, (node, parents) => {
    if (exposed || !isErrorStack(node)) return
    const guarded = parents.some(
      (parent) =>
        (parent.type === 'ConditionalExpression' || parent.type === 'LogicalExpression') &&
        mentions(child(parent, parent.type === 'ConditionalExpression' ? 'test' : 'left'), (name) =>
          environmentTest.test(name),
        ),
    )
    if (!guarded) exposed = node
  })
  return exposed
}

export const errorStackExposed = defineRule({
  id: 'error-stack-exposed',
  severity: 'error',
  title: 'Stack trace sent to the client',
  why: 'A stack trace in a response shows file paths, library versions and code to whoever sent the request, which maps the service for an attack.',
  fix: 'Log the error with its stack and answer a problem+json body that says what went wrong without it (Fastify: `setErrorHandler`; Express: an error middleware).',
  check: (project) =>
    findInCalls(project, ({ name, objectNode, args }) => {
      if (!sendCalls.has(name ?? '') || !responseName.test(nameOf(callChain(objectNode).start) ?? ''))
        return undefined
      const stack = exposedStack(args[0])
      return stack
        ? {
            at: stack,
            message: `The response body carries \`${nameOf(unwrap(child(stack, 'object')))}.stack\`.`,
          }
        : undefined
    }),
})
