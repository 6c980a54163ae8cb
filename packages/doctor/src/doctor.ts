import { existsSync, readFileSync, statSync } from 'node:fs'
import { loadModule } from 'libpg-query'
import { Project } from './_project.ts'
import { allRules } from './rules/index.ts'
import type { Finding, RuleMeta, Severity } from './types.ts'

export interface DoctorOptions {
  /** Run only these rule ids (all by default). */
  rules?: readonly string[]
  /** Where `.node-version`, the lockfile and CI workflows live (default: the nearest folder above with
   * `pnpm-workspace.yaml` or `.git`). */
  workspaceRoot?: string
}

export interface DoctorReport {
  /** The audited directory, absolute; finding paths are relative to it. */
  root: string
  /** The workspace or repository root above it, absolute (SARIF paths are relative to it, as code scanning expects). */
  workspaceRoot: string
  findings: Finding[]
}

/** A directory the doctor cannot audit. */
export class DoctorError extends Error {
  readonly code = 'SHIPSHAPE_DOCTOR_NOT_A_DIRECTORY'

  constructor(message: string) {
    super(message)
    this.name = 'DoctorError'
  }
}

/** This package's version, for the SARIF report's tool entry. */
export const doctorVersion = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version

const severityRank: Record<Severity, number> = { error: 3, warning: 2, info: 1 }

/** Whether a finding's severity is at or above a threshold (`--fail-on`). */
export function isAtLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank[severity] >= severityRank[threshold]
}

/** The rules the doctor runs: id, severity, title, why and how to fix. */
export function listRules(): RuleMeta[] {
  return allRules.map(({ id, severity, title, why, fix }) => ({ id, severity, title, why, fix }))
}

/** Audits a service directory: every rule, each finding with its rule's severity, reason and fix, sorted by place. */
export async function runDoctor(dir: string, options: DoctorOptions = {}): Promise<DoctorReport> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DoctorError(`${dir} is not a directory.`)
  // PostgreSQL's parser is WebAssembly: loaded once, then parseSync is synchronous.
  await loadModule()
  const project = new Project(dir, options.workspaceRoot)
  const selected = options.rules ? allRules.filter((rule) => options.rules?.includes(rule.id)) : allRules
  const findings = selected.flatMap((rule) =>
    rule.check(project).map(({ message, ...location }) => ({
      rule: rule.id,
      severity: rule.severity,
      ...location,
      message,
      why: rule.why,
      fix: rule.fix,
    })),
  )
  findings.sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.rule.localeCompare(b.rule),
  )
  return { root: project.root, workspaceRoot: project.workspaceRoot, findings }
}
