import { authEnv } from '@shipshape/auth/env'
import { getServiceFields } from '@shipshape/config'
import { webhooksEnv } from '@shipshape/webhooks/env'
import { calleeOf, child, children, importsOf, nameOf, propertiesOf, unwrap, walk } from '../_ast.ts'
import type { AstNode, Project } from '../_project.ts'
import type { Location, Problem } from '../types.ts'
import { defineRule } from './_rule.ts'

/** The variables of the fragments shipshape's packages export, by `source:name` as a service imports them. */
const PACKAGE_FRAGMENTS: ReadonlyMap<string, readonly string[]> = new Map([
  ['@shipshape/auth/env:authEnv', Object.keys(authEnv.getFields({ defaultPort: 0 }))],
  ['@shipshape/webhooks/env:webhooksEnv', Object.keys(webhooksEnv.getFields({ defaultPort: 0 }))],
])

/** The keys of the object a fragment's function returns: `() => ({ A: ..., B: ... })` or `return { ... }`. */
function fragmentFieldsOf(getFields: AstNode | undefined): Map<string, AstNode> {
  const body = unwrap(child(getFields, 'body'))
  if (body?.type === 'ObjectExpression') return propertiesOf(body)
  const fields = new Map<string, AstNode>()
  walk(body, (node) => {
    if (node.type !== 'ReturnStatement') return
    for (const [name, value] of propertiesOf(unwrap(child(node, 'argument')))) fields.set(name, value)
  })
  return fields
}

const exampleFile = '.env.example'
const variableLine = /^\s*(?:#\s*)?(?:export\s+)?([A-Z][A-Z0-9_]*)\s*=/

/** The variables `.env.example` documents, set or commented out (`# OPTIONAL=`), with their lines. */
export function readEnvExample(project: Project): Map<string, { line: number; value: string }> | undefined {
  const text = project.read(exampleFile)
  if (text === undefined) return undefined
  const documented = new Map<string, { line: number; value: string }>()
  text.split('\n').forEach((line, index) => {
    const match = variableLine.exec(line)
    if (match?.[1] && !documented.has(match[1]))
      documented.set(match[1], { line: index + 1, value: line.slice(line.indexOf('=') + 1).trim() })
  })
  return documented
}

/** Every variable the service reads, with where: `process.env.X` and, for shipshape services, its env schema. */
export function readVariablesRead(project: Project): Map<string, Location> {
  const read = new Map<string, Location>()
  const note = (name: string, location: Location) => {
    if (!read.has(name)) read.set(name, location)
  }
  for (const file of project.sourceFiles()) {
    const imports = importsOf(file.program)
    walk(file.program, (node) => {
      // process.env.X, process.env['X']
      if (
        node.type === 'MemberExpression' &&
        nameOf(child(node, 'object')) === 'env' &&
        nameOf(child(unwrap(child(node, 'object')), 'object')) === 'process'
      ) {
        const name = nameOf(node)
        if (name) note(name, project.locate(file.path, node.start))
      }
      // const { X, Y } = process.env
      if (
        node.type === 'VariableDeclarator' &&
        nameOf(child(node, 'init')) === 'env' &&
        child(node, 'id')?.type === 'ObjectPattern'
      ) {
        for (const property of children(child(node, 'id'), 'properties')) {
          const name = nameOf(child(property, 'key'))
          if (name) note(name, project.locate(file.path, property.start))
        }
      }
      // defineServiceEnv({ fragments, fields }) / defineEnv({...}) / defineEnvFragment from @shipshape/config
      if (node.type === 'CallExpression') {
        const { name } = calleeOf(node)
        if (!name || imports.get(name)?.source !== '@shipshape/config') return
        const [first] = children(node, 'arguments')
        const location = project.locate(file.path, node.start)
        if (name === 'defineServiceEnv') {
          for (const field of Object.keys(getServiceFields(0))) note(field, location)
          note('APP_ENV', location)
          // fragments: [authEnv, webhooksEnv]: the variables the packages they come from define.
          for (const fragment of children(propertiesOf(first).get('fragments'), 'elements')) {
            const binding = imports.get(nameOf(fragment) ?? '')
            const fields = binding && PACKAGE_FRAGMENTS.get(`${binding.source}:${binding.imported}`)
            for (const field of fields ?? []) note(field, project.locate(file.path, fragment.start))
          }
          for (const [field, value] of propertiesOf(propertiesOf(first).get('fields')))
            note(field, project.locate(file.path, value.start))
        }
        // A fragment of the service's own: defineEnvFragment(() => ({ ... }))
        if (name === 'defineEnvFragment') {
          for (const [field, value] of fragmentFieldsOf(first))
            note(field, project.locate(file.path, value.start))
        }
        if (name === 'defineEnv') {
          note('APP_ENV', location)
          for (const [field, value] of propertiesOf(first))
            note(field, project.locate(file.path, value.start))
        }
      }
    })
  }
  return read
}

export const envUndocumented = defineRule({
  id: 'env-undocumented',
  severity: 'warning',
  title: 'Variable read but not in .env.example',
  why: 'An operator deploying the service cannot know it needs a variable nobody documented, so production starts without it.',
  fix: 'Add the variable to `.env.example` with a comment (shipshape: add it to the env schema and run `pnpm env:example`).',
  check(project) {
    const documented = readEnvExample(project) ?? new Map()
    const problems: Problem[] = []
    for (const [name, location] of readVariablesRead(project)) {
      if (!documented.has(name))
        problems.push({ ...location, message: `${name} is read here but ${exampleFile} does not list it.` })
    }
    return problems
  },
})

export const envUnused = defineRule({
  id: 'env-unused',
  severity: 'info',
  title: '.env.example lists a variable nothing reads',
  why: 'A documented variable the code ignores sends operators tuning a setting that does nothing.',
  fix: 'Remove it from `.env.example`, or read it where it belongs (through the config schema).',
  check(project) {
    const documented = readEnvExample(project)
    if (!documented) return []
    const read = readVariablesRead(project)
    return [...documented]
      .filter(([name]) => !read.has(name))
      .map(([name, { line }]) => ({
        file: exampleFile,
        line,
        message: `${name} is documented but the code never reads it.`,
      }))
  },
})
