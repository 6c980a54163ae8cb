import {
  calleeOf,
  child,
  children,
  declarationsOf,
  importsOf,
  nameOf,
  propertiesOf,
  resolveValue,
  stringValue,
  unwrap,
  walk,
} from '../_ast.ts'
import type { AstNode } from '../_project.ts'
import type { Problem } from '../types.ts'
import { defineRule } from './_rule.ts'

/** Whether a key expression is, or falls back to, a secret written in the code. */
function isLiteralSecret(node: AstNode | undefined, declared: Map<string, AstNode>, depth = 0): boolean {
  if (depth > 4) return false
  const value = resolveValue(node, declared)
  if (!value) return false
  if (stringValue(value) !== undefined) return true
  if (value.type === 'LogicalExpression' || value.type === 'ConditionalExpression') {
    const branches =
      value.type === 'LogicalExpression'
        ? [child(value, 'right')]
        : [child(value, 'consequent'), child(value, 'alternate')]
    return branches.some((branch) => isLiteralSecret(branch, declared, depth + 1))
  }
  // new TextEncoder().encode('secret'), Buffer.from('secret'), createSecretKey(...)
  if (
    value.type === 'CallExpression' &&
    ['encode', 'from', 'createSecretKey'].includes(calleeOf(value).name ?? '')
  ) {
    return isLiteralSecret(children(value, 'arguments')[0], declared, depth + 1)
  }
  return false
}

/** Whether a call chain starts at `new SignJWT(...)` (jose). */
function isSignJwtChain(node: AstNode | undefined): boolean {
  let current = unwrap(node)
  while (current) {
    if (current.type === 'NewExpression') return nameOf(child(current, 'callee')) === 'SignJWT'
    current = unwrap(child(current, current.type === 'CallExpression' ? 'callee' : 'object'))
  }
  return false
}

export const jwtSecretLiteral = defineRule({
  id: 'jwt-secret-literal',
  severity: 'error',
  title: 'JWT secret written in the code',
  why: 'Anyone who can read the repository, or an image layer, can mint tokens for any user.',
  fix: 'Read the secret from the environment through the config schema (a required secret with a minimum length, no default).',
  check(project) {
    const problems: Problem[] = []
    for (const file of project.sourceFiles()) {
      const imports = importsOf(file.program)
      const declared = declarationsOf(file.program)
      const fromModule = (local: string | undefined, module: RegExp) =>
        local !== undefined && module.test(imports.get(local)?.source ?? '')
      walk(file.program, (node) => {
        if (node.type !== 'CallExpression') return
        const { name, object, objectNode } = calleeOf(node)
        const args = children(node, 'arguments')
        let key: AstNode | undefined
        if (
          (name === 'sign' || name === 'verify') &&
          (fromModule(object, /^jsonwebtoken$/) || (!object && fromModule(name, /^jsonwebtoken$/)))
        )
          key = args[1]
        else if (name === 'sign' && isSignJwtChain(objectNode)) key = args[0]
        else if (name === 'jwtVerify') key = args[1]
        else if (name === 'register' && fromModule(nameOf(args[0]), /^(@fastify\/jwt|fastify-jwt)$/))
          key = propertiesOf(args[1]).get('secret')
        if (key && isLiteralSecret(key, declared)) {
          problems.push({
            ...project.locate(file.path, key.start),
            message: 'The JWT signing key is a literal in the code (or falls back to one).',
          })
        }
      })
    }
    return problems
  },
})
