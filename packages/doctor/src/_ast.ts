import type { AstNode } from './_project.ts'

export type Visit = (node: AstNode, parents: readonly AstNode[]) => void

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
}

/** Calls visit for every node under root, depth first, with the chain of its ancestors. */
export function walk(root: AstNode | undefined, visit: Visit): void {
  if (!root) return
  const parents: AstNode[] = []
  const step = (node: AstNode) => {
    visit(node, parents)
    parents.push(node)
    for (const key in node) {
      if (key === 'type' || key === 'start' || key === 'end') continue
      const value = node[key]
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) step(item)
      } else if (isNode(value)) step(value)
    }
    parents.pop()
  }
  step(root)
}

/** Every node of a type under root. */
export function findAll(root: AstNode | undefined, type: string): AstNode[] {
  const found: AstNode[] = []
  walk(root, (node) => {
    if (node.type === type) found.push(node)
  })
  return found
}

/** The expression without TypeScript's wrappers (`x as T`, `x!`, `(x)`, `x satisfies T`) or `?.` chains. */
export function unwrap(node: AstNode | undefined): AstNode | undefined {
  let current = node
  while (
    current &&
    [
      'TSAsExpression',
      'TSNonNullExpression',
      'TSSatisfiesExpression',
      'ParenthesizedExpression',
      'ChainExpression',
      'AwaitExpression',
    ].includes(current.type)
  ) {
    current = (current.expression ?? current.argument) as AstNode | undefined
  }
  return current
}

export function child(node: AstNode | undefined, key: string): AstNode | undefined {
  const value = node?.[key]
  return isNode(value) ? value : undefined
}

export function children(node: AstNode | undefined, key: string): AstNode[] {
  const value = node?.[key]
  return Array.isArray(value) ? value.filter(isNode) : []
}

/** The name an identifier, or the property name of `a.b` / `a['b']`, carries. */
export function nameOf(node: AstNode | undefined): string | undefined {
  const bare = unwrap(node)
  if (!bare) return undefined
  if (bare.type === 'Identifier') return bare.name as string
  if (bare.type === 'MemberExpression') {
    const property = child(bare, 'property')
    return bare.computed ? stringValue(property) : nameOf(property)
  }
  if (bare.type === 'PrivateIdentifier') return bare.name as string
  return undefined
}

/** For a call: the called function's name and, for `a.b()`, the object's name (`a`). */
export function calleeOf(call: AstNode): {
  name: string | undefined
  object: string | undefined
  objectNode: AstNode | undefined
} {
  const callee = unwrap(child(call, 'callee'))
  if (callee?.type === 'MemberExpression') {
    const objectNode = unwrap(child(callee, 'object'))
    return { name: nameOf(callee), object: nameOf(objectNode), objectNode }
  }
  return { name: nameOf(callee), object: undefined, objectNode: undefined }
}

/**
 * A call chain's calls, outermost first, and the node it starts from: for
 * `new SignJWT(p).setProtectedHeader(h).sign(k)`, `['sign', 'setProtectedHeader']` and the `new` expression;
 * for `res.status(500).json(body)`, `['json', 'status']` and `res`.
 */
export function callChain(node: AstNode | undefined): { names: string[]; start: AstNode | undefined } {
  const names: string[] = []
  let current = unwrap(node)
  while (current?.type === 'CallExpression' || current?.type === 'MemberExpression') {
    if (current.type === 'CallExpression') {
      const name = calleeOf(current).name
      if (name) names.push(name)
    }
    current = unwrap(child(current, current.type === 'CallExpression' ? 'callee' : 'object'))
  }
  return { names, start: current }
}

/** The value of a string literal, or of a template literal without substitutions. */
export function stringValue(node: AstNode | undefined): string | undefined {
  const bare = unwrap(node)
  if (bare?.type === 'Literal' && typeof bare.value === 'string') return bare.value
  if (bare?.type === 'TemplateLiteral' && children(bare, 'expressions').length === 0) {
    return children(bare, 'quasis')
      .map((quasi) => (quasi.value as { cooked?: string }).cooked ?? '')
      .join('')
  }
  return undefined
}

export function numberValue(node: AstNode | undefined): number | undefined {
  const bare = unwrap(node)
  return bare?.type === 'Literal' && typeof bare.value === 'number' ? bare.value : undefined
}

export function isFunction(node: AstNode | undefined): boolean {
  const type = unwrap(node)?.type
  return type === 'ArrowFunctionExpression' || type === 'FunctionExpression' || type === 'FunctionDeclaration'
}

/** The properties of an object literal, by key name (shorthand included). */
export function propertiesOf(node: AstNode | undefined): Map<string, AstNode> {
  const properties = new Map<string, AstNode>()
  const bare = unwrap(node)
  if (bare?.type !== 'ObjectExpression') return properties
  for (const property of children(bare, 'properties')) {
    if (property.type !== 'Property') continue
    const key = child(property, 'key')
    const name = property.computed ? stringValue(key) : (nameOf(key) ?? stringValue(key))
    const value = child(property, 'value')
    if (name && value) properties.set(name, value)
  }
  return properties
}

/** A property at a path of nested object literals (`config.rateLimit`). */
export function propertyAt(node: AstNode | undefined, path: string[]): AstNode | undefined {
  let current = node
  for (const key of path) current = propertiesOf(current).get(key)
  return current
}

/** Whether an object literal spreads something else in (its properties are then unknown). */
export function hasSpread(node: AstNode | undefined): boolean {
  return children(unwrap(node), 'properties').some((property) => property.type === 'SpreadElement')
}

/** The initialiser of every `const|let|var name = ...` in a program, by name (the last one wins). */
export function declarationsOf(program: AstNode | undefined): Map<string, AstNode> {
  const declared = new Map<string, AstNode>()
  walk(program, (node) => {
    if (node.type !== 'VariableDeclarator') return
    const id = child(node, 'id')
    const init = child(node, 'init')
    if (id?.type === 'Identifier' && init) declared.set(id.name as string, init)
  })
  return declared
}

/** Follows an identifier to its initialiser in the same file, once. */
export function resolveValue(node: AstNode | undefined, declared: Map<string, AstNode>): AstNode | undefined {
  const bare = unwrap(node)
  if (bare?.type === 'Identifier') return unwrap(declared.get(bare.name as string)) ?? bare
  return bare
}

export interface ImportBinding {
  source: string
  /** The exported name (`default` for a default import, `*` for a namespace). */
  imported: string
}

/** Local name → module and exported name, for `import` declarations and `require()` calls. */
export function importsOf(program: AstNode | undefined): Map<string, ImportBinding> {
  const bindings = new Map<string, ImportBinding>()
  for (const declaration of children(program, 'body')) {
    if (declaration.type !== 'ImportDeclaration') continue
    const source = stringValue(child(declaration, 'source')) ?? ''
    for (const specifier of children(declaration, 'specifiers')) {
      const local = nameOf(child(specifier, 'local'))
      if (!local) continue
      const imported =
        specifier.type === 'ImportDefaultSpecifier'
          ? 'default'
          : specifier.type === 'ImportNamespaceSpecifier'
            ? '*'
            : (nameOf(child(specifier, 'imported')) ?? stringValue(child(specifier, 'imported')) ?? local)
      bindings.set(local, { source, imported })
    }
  }
  walk(program, (node) => {
    if (node.type !== 'VariableDeclarator') return
    const init = unwrap(child(node, 'init'))
    if (init?.type !== 'CallExpression' || nameOf(child(init, 'callee')) !== 'require') return
    const source = stringValue(children(init, 'arguments')[0])
    const id = child(node, 'id')
    if (!source || !id) return
    if (id.type === 'Identifier') bindings.set(id.name as string, { source, imported: 'default' })
    for (const [key, value] of propertiesOfPattern(id)) bindings.set(value, { source, imported: key })
  })
  return bindings
}

function propertiesOfPattern(pattern: AstNode): [string, string][] {
  if (pattern.type !== 'ObjectPattern') return []
  return children(pattern, 'properties').flatMap((property) => {
    const key = nameOf(child(property, 'key'))
    const value = nameOf(child(property, 'value'))
    return key && value ? [[key, value] as [string, string]] : []
  })
}

/** Whether `local` is bound by an import (or `require`) of a module whose name matches `module`. */
export function isImportedFrom(
  imports: Map<string, ImportBinding>,
  local: string | undefined,
  module: RegExp,
): boolean {
  return local !== undefined && module.test(imports.get(local)?.source ?? '')
}

/** Whether any identifier or property name under node satisfies test. */
export function mentions(node: AstNode | undefined, test: (name: string) => boolean): boolean {
  let found = false
  walk(node, (inner) => {
    if (found) return
    if (inner.type === 'Identifier' && test(inner.name as string)) found = true
    if (inner.type === 'Literal' && typeof inner.value === 'string' && test(inner.value)) found = true
  })
  return found
}
