import {
  calleeOf,
  child,
  children,
  declarationsOf,
  resolveValue,
  stringValue,
  unwrap,
  walk,
} from '../_ast.ts'
import type { AstNode } from '../_project.ts'
import type { Problem } from '../types.ts'
import { defineRule } from './_rule.ts'

/** Methods that send their first argument to the database as SQL text. */
const rawSqlMethods = new Set(['query', 'raw', 'execute', 'unsafe', '$queryRawUnsafe', '$executeRawUnsafe'])

/** Why a value is SQL assembled from strings, or undefined when it is not. */
function describeBuiltString(node: AstNode | undefined): string | undefined {
  const bare = unwrap(node)
  if (bare?.type === 'TemplateLiteral' && children(bare, 'expressions').length > 0)
    return 'a template literal with substitutions'
  if (bare?.type === 'BinaryExpression' && bare.operator === '+') {
    const sides = [child(bare, 'left'), child(bare, 'right')]
    if (sides.some((side) => stringValue(side) !== undefined || describeBuiltString(side) !== undefined))
      return 'string concatenation'
  }
  if (bare?.type === 'CallExpression' && calleeOf(bare).name === 'concat') return 'String.concat'
  return undefined
}

export const sqlStringBuilt = defineRule({
  id: 'sql-string-built',
  severity: 'error',
  title: 'SQL built from strings',
  why: 'Values spliced into SQL text let a request rewrite the query (SQL injection).',
  fix: "Pass values as parameters (`query('... $1', [value])`) or use drizzle's `sql` tagged template, which parameterizes them.",
  check(project) {
    return project.sourceFiles().flatMap((file) => {
      const declared = declarationsOf(file.program)
      const problems: Problem[] = []
      walk(file.program, (node) => {
        if (node.type !== 'CallExpression') return
        const { name, object } = calleeOf(node)
        if (!name || !rawSqlMethods.has(name)) return
        const how = describeBuiltString(resolveValue(children(node, 'arguments')[0], declared))
        if (!how) return
        const callee = object ? `${object}.${name}()` : `${name}()`
        problems.push({
          ...project.locate(file.path, node.start),
          message: `SQL text built by ${how} is passed to ${callee}.`,
        })
      })
      return problems
    })
  },
})
