import {
  child,
  children,
  isFunction,
  isImportedFrom,
  nameOf,
  propertiesOf,
  resolveValue,
  unwrap,
  walk,
} from '../_ast.ts'
import type { AstNode } from '../_project.ts'
import { findInCalls } from './_calls.ts'
import { defineRule } from './_rule.ts'

const decisions = new Set(['IfStatement', 'ConditionalExpression', 'LogicalExpression', 'SwitchStatement'])

function isTrue(node: AstNode | undefined): boolean {
  const bare = unwrap(node)
  return bare?.type === 'Literal' && bare.value === true
}

/** `(origin, callback) => callback(null, true)`: a function that says yes without looking at the origin. */
function alwaysAdmits(fn: AstNode): boolean {
  const callback = nameOf(children(fn, 'params')[1])
  if (callback === undefined) return false
  let calls = 0
  let admits = 0
  let decides = false
  walk(child(fn, 'body'), (node) => {
    if (decisions.has(node.type)) decides = true
    if (node.type === 'CallExpression' && nameOf(child(node, 'callee')) === callback) {
      calls += 1
      if (isTrue(children(node, 'arguments')[1])) admits += 1
    }
  })
  return !decides && calls > 0 && calls === admits
}

/** An origin setting that admits every site: none (both libraries default to `*`), `true`, `'*'`, or a yes-always function. */
function admitsAnyOrigin(node: AstNode | undefined, declared: Map<string, AstNode>): boolean {
  if (node === undefined) return true
  const value = unwrap(resolveValue(node, declared))
  if (value?.type === 'Literal' && (value.value === true || value.value === '*')) return true
  return isFunction(value) && alwaysAdmits(value as AstNode)
}

export const corsAnyOrigin = defineRule({
  id: 'cors-any-origin',
  severity: 'error',
  title: 'CORS lets any site make signed-in requests',
  why: 'With credentials allowed for every origin, any website a user visits can call the API with their cookies and read the answers.',
  fix: 'List the origins that may call with credentials (`origin: config.CORS_ORIGINS`), or drop `credentials: true` for a public API.',
  check: (project) =>
    findInCalls(project, ({ node, name, objectNode, args, imports, declared }) => {
      let options: AstNode | undefined
      // app.use(cors({ origin: true, credentials: true }))
      if (objectNode === undefined && isImportedFrom(imports, name, /^cors$/)) options = args[0]
      // fastify.register(fastifyCors, { origin: '*', credentials: true })
      else if (
        name === 'register' &&
        isImportedFrom(imports, nameOf(args[0]), /^(@fastify\/cors|fastify-cors)$/)
      )
        options = args[1]
      else return undefined
      const settings = propertiesOf(resolveValue(options, declared))
      return isTrue(settings.get('credentials')) && admitsAnyOrigin(settings.get('origin'), declared)
        ? { at: node, message: 'CORS allows credentials from any origin.' }
        : undefined
    }),
})
