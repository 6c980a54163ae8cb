import {
  callChain,
  calleeOf,
  child,
  children,
  hasSpread,
  type ImportBinding,
  isFunction,
  isImportedFrom,
  nameOf,
  propertiesOf,
  resolveValue,
  stringValue,
} from '../_ast.ts'
import type { AstNode } from '../_project.ts'
import { findInCalls } from './_calls.ts'
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

/** `jwt.sign(...)` on jsonwebtoken's default export, or `sign(...)` imported from it; not jose's `.sign(key)`. */
function isJsonwebtokenCall(imports: Map<string, ImportBinding>, call: AstNode): boolean {
  const { name, object, objectNode } = calleeOf(call)
  return (
    isImportedFrom(imports, object, /^jsonwebtoken$/) ||
    (objectNode === undefined && isImportedFrom(imports, name, /^jsonwebtoken$/))
  )
}

/**
 * The fast-jwt factory a call makes (`createSigner`, `createVerifier`...), by its exported name: imported by
 * name (aliases too), or read off the module (`fj.createSigner` with `import * as fj` or `require('fast-jwt')`).
 */
function fastJwtFactory(imports: Map<string, ImportBinding>, call: AstNode): string | undefined {
  const { name, object, objectNode } = calleeOf(call)
  if (objectNode === undefined) {
    const binding = imports.get(name ?? '')
    return binding?.source === 'fast-jwt' ? binding.imported : undefined
  }
  const whole = objectNode.type === 'Identifier' ? imports.get(object ?? '') : undefined
  return whole?.source === 'fast-jwt' && ['*', 'default'].includes(whole.imported) ? name : undefined
}

/** @fastify/jwt's signing secret: `secret`, or its `private` key when given as `{ private, public }`. */
function fastifyJwtSecret(options: AstNode | undefined): AstNode | undefined {
  const secret = propertiesOf(options).get('secret')
  return propertiesOf(secret).get('private') ?? secret
}

/** Whether a call chain starts at `new SignJWT(...)` (jose). */
function isSignJwtChain(node: AstNode | undefined): boolean {
  const { start } = callChain(node)
  return start?.type === 'NewExpression' && nameOf(child(start, 'callee')) === 'SignJWT'
}

/**
 * Whether a payload is known to carry no `exp`: an object literal without the key, or a string (jsonwebtoken
 * sets no expiry on one). A payload built elsewhere is not known, and is not reported.
 */
function payloadWithoutExp(node: AstNode | undefined, declared: Map<string, AstNode>): boolean {
  const value = resolveValue(node, declared)
  if (stringValue(value) !== undefined) return true
  return value?.type === 'ObjectExpression' && !propertiesOf(value).has('exp') && !hasSpread(value)
}

/** Whether jsonwebtoken's options are known to set no `expiresIn`: none given, a callback, or a literal without it. */
function optionsWithoutExpiry(node: AstNode | undefined, declared: Map<string, AstNode>): boolean {
  const value = resolveValue(node, declared)
  if (value === undefined || isFunction(value)) return true
  return literalWithoutExpiresIn(value)
}

/** Whether options are an object literal without `expiresIn` and without a spread that could bring one. */
function literalWithoutExpiresIn(value: AstNode | undefined): boolean {
  return value?.type === 'ObjectExpression' && !propertiesOf(value).has('expiresIn') && !hasSpread(value)
}

export const jwtSecretLiteral = defineRule({
  id: 'jwt-secret-literal',
  severity: 'error',
  title: 'JWT secret written in the code',
  why: 'Anyone who can read the repository, or an image layer, can mint tokens for any user.',
  fix: 'Read the secret from the environment through the config schema (a required secret with a minimum length, no default).',
  check: (project) =>
    findInCalls(project, ({ node, name, objectNode, args, imports, declared }) => {
      let key: AstNode | undefined
      if ((name === 'sign' || name === 'verify') && isJsonwebtokenCall(imports, node)) key = args[1]
      else if (name === 'sign' && isSignJwtChain(objectNode)) key = args[0]
      else if (name === 'jwtVerify') key = args[1]
      else if (['createSigner', 'createVerifier'].includes(fastJwtFactory(imports, node) ?? ''))
        // fast-jwt's createSigner({ key, ... }) / createVerifier({ key, ... })
        key = propertiesOf(resolveValue(args[0], declared)).get('key')
      else if (
        name === 'register' &&
        isImportedFrom(imports, nameOf(args[0]), /^(@fastify\/jwt|fastify-jwt)$/)
      )
        key = fastifyJwtSecret(args[1])
      return key && isLiteralSecret(key, declared)
        ? { at: key, message: 'The JWT signing key is a literal in the code (or falls back to one).' }
        : undefined
    }),
})

export const jwtNoExpiry = defineRule({
  id: 'jwt-no-expiry',
  severity: 'error',
  title: 'JWT signed without an expiry',
  why: 'A token without `exp` is valid forever: one that leaks (a log, a browser, a former employee) signs in until the key is changed for everyone.',
  fix: "Give every token an expiry (`expiresIn: '15m'`, jose's `setExpirationTime('15m')`; fast-jwt reads a number as milliseconds): minutes for an access token, with a refresh token that is checked on the server to get the next one.",
  check: (project) =>
    findInCalls(project, ({ node, name, objectNode, args, imports, declared }) => {
      // fast-jwt's createSigner({ key, ... }): its tokens carry `exp` only with `expiresIn` (or one in the payload)
      if (fastJwtFactory(imports, node) === 'createSigner')
        return literalWithoutExpiresIn(resolveValue(args[0], declared))
          ? {
              at: node,
              message:
                'The signer is created without `expiresIn`: its tokens never expire unless each payload sets `exp`.',
            }
          : undefined
      if (name !== 'sign') return undefined
      const chain = callChain(objectNode)
      const unbounded = isJsonwebtokenCall(imports, node)
        ? // jwt.sign(payload, key, options), or `sign` imported from jsonwebtoken
          payloadWithoutExp(args[0], declared) && optionsWithoutExpiry(args[2], declared)
        : // new SignJWT(payload)....sign(key)
          isSignJwtChain(objectNode) &&
          !chain.names.includes('setExpirationTime') &&
          payloadWithoutExp(children(chain.start, 'arguments')[0], declared)
      return unbounded
        ? {
            at: node,
            message: 'The token is signed without an expiry: it stays valid until the key changes.',
          }
        : undefined
    }),
})
