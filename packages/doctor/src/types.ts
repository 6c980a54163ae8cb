export type Severity = 'error' | 'warning' | 'info'

/** Where a finding points: a path relative to the audited directory, 1-based line and column. */
export interface Location {
  file: string
  line: number
  column?: number
}

export interface Finding extends Location {
  rule: string
  severity: Severity
  /** What is wrong here, in this file. */
  message: string
  /** Why it matters, one sentence (the rule's). */
  why: string
  /** How to fix it (the rule's). */
  fix: string
}

/** What a rule's check returns: a place and what is wrong there; the rule adds the rest. */
export interface Problem extends Location {
  message: string
}

export interface RuleMeta {
  id: string
  severity: Severity
  title: string
  why: string
  fix: string
}
