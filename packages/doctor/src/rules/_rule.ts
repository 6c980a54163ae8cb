import type { Project } from '../_project.ts'
import type { Problem, RuleMeta } from '../types.ts'

export interface Rule extends RuleMeta {
  check(project: Project): Problem[]
}

export function defineRule(rule: Rule): Rule {
  return rule
}
