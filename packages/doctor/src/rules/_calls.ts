import { calleeOf, children, declarationsOf, type ImportBinding, importsOf, walk } from '../_ast.ts'
import type { AstNode, Project } from '../_project.ts'
import type { Problem } from '../types.ts'

/** A call in the service's own code, with what the rules that read calls ask of it. */
export interface CallSite {
  node: AstNode
  /** The called function's name, and for `a.b()` the object's name and node (see calleeOf). */
  name: string | undefined
  object: string | undefined
  objectNode: AstNode | undefined
  args: AstNode[]
  /** The file's imports and top-level declarations, to tell where a name comes from and follow it. */
  imports: Map<string, ImportBinding>
  declared: Map<string, AstNode>
}

/** What a rule reports of a call: the node to point at (the call, or one of its arguments) and why. */
export interface CallFinding {
  at: AstNode
  message: string
}

/** Every call of every source file given to `inspect`; what it returns becomes a finding at its node. */
export function findInCalls(
  project: Project,
  inspect: (call: CallSite) => CallFinding | undefined,
): Problem[] {
  const problems: Problem[] = []
  for (const file of project.sourceFiles()) {
    const imports = importsOf(file.program)
    const declared = declarationsOf(file.program)
    walk(file.program, (node) => {
      if (node.type !== 'CallExpression') return
      const finding = inspect({
        node,
        ...calleeOf(node),
        args: children(node, 'arguments'),
        imports,
        declared,
      })
      if (finding) problems.push({ ...project.locate(file.path, finding.at.start), message: finding.message })
    })
  }
  return problems
}
