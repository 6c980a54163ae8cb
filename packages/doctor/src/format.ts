import { join, relative, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { DoctorReport } from './doctor.ts'
import { listRules } from './doctor.ts'
import type { Finding } from './types.ts'

const where = (finding: Finding) =>
  `${finding.file}:${finding.line}${finding.column ? `:${finding.column}` : ''}`

/** The report for a terminal: one block per finding, then a count by severity. */
export function formatText(report: DoctorReport): string {
  if (report.findings.length === 0) return 'No findings.\n'
  const blocks = report.findings.map((finding) =>
    [
      `${where(finding)}  ${finding.severity}  ${finding.rule}`,
      `  ${finding.message}`,
      `  why: ${finding.why}`,
      `  fix: ${finding.fix}`,
    ].join('\n'),
  )
  const count = (severity: string) =>
    report.findings.filter((finding) => finding.severity === severity).length
  return `${blocks.join('\n\n')}\n\n${report.findings.length} findings: ${count('error')} errors, ${count('warning')} warnings, ${count('info')} info.\n`
}

const fromWorkspace = (report: DoctorReport, file: string) =>
  relative(report.workspaceRoot, join(report.root, file)).split(sep).join('/')

const sarifLevel = { error: 'error', warning: 'warning', info: 'note' } as const

/**
 * SARIF 2.1.0, so code-scanning UIs show each finding on its line. Paths are relative to the workspace (the
 * repository, usually), which is how code scanning resolves them; SRCROOT says where that is.
 */
export function toSarif(report: DoctorReport, toolVersion: string): object {
  const rules = listRules()
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'shipshape doctor',
            version: toolVersion,
            informationUri: 'https://www.npmjs.com/package/@shipshape/doctor',
            rules: rules.map((rule) => ({
              id: rule.id,
              name: rule.id,
              shortDescription: { text: rule.title },
              fullDescription: { text: rule.why },
              help: { text: rule.fix },
              defaultConfiguration: { level: sarifLevel[rule.severity] },
            })),
          },
        },
        originalUriBaseIds: {
          SRCROOT: { uri: pathToFileURL(`${report.workspaceRoot}/`).href },
        },
        results: report.findings.map((finding) => ({
          ruleId: finding.rule,
          ruleIndex: rules.findIndex((rule) => rule.id === finding.rule),
          level: sarifLevel[finding.severity],
          message: { text: `${finding.message} ${finding.why} Fix: ${finding.fix}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: {
                  uri: encodeURI(fromWorkspace(report, finding.file)),
                  uriBaseId: 'SRCROOT',
                },
                region: {
                  startLine: finding.line,
                  ...(finding.column ? { startColumn: finding.column } : {}),
                },
              },
            },
          ],
        })),
      },
    ],
  }
}
