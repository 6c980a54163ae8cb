import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  DoctorError,
  doctorVersion,
  formatText,
  isAtLeast,
  runDoctor,
  type Severity,
  toSarif,
} from '@shipshape/doctor'
import { defineCommand } from 'citty'
import { assertKnownFlags } from '../check-flags.ts'
import { UsageError } from '../errors.ts'

const severities: readonly Severity[] = ['error', 'warning', 'info']

const args = {
  dir: {
    type: 'positional',
    description: 'The service directory to audit (default: the current one)',
    required: false,
  },
  json: { type: 'boolean', description: 'Print the findings as JSON' },
  sarif: { type: 'string', description: 'Also write the findings as SARIF 2.1.0 to this file' },
  'fail-on': {
    type: 'string',
    description: 'Exit 1 on findings at or above this severity: error (default), warning, info',
  },
} as const

function parseFailOn(value: string | undefined): Severity {
  if (value === undefined) return 'error'
  const severity = severities.find((candidate) => candidate === value)
  if (!severity) throw new UsageError(`--fail-on takes error, warning or info, not "${value}".`)
  return severity
}

export const doctorCommand = defineCommand({
  meta: {
    name: 'doctor',
    description:
      'Audit a service directory for production readiness (exit 1 on findings at or above --fail-on)',
  },
  args,
  async run({ args: parsed, rawArgs }) {
    assertKnownFlags(rawArgs, args)
    const failOn = parseFailOn(parsed['fail-on'])
    const dir = resolve(process.cwd(), parsed.dir ?? '.')
    const report = await runDoctor(dir).catch((error: unknown) => {
      throw error instanceof DoctorError ? new UsageError(error.message) : error
    })
    if (parsed.sarif)
      writeFileSync(
        resolve(process.cwd(), parsed.sarif),
        `${JSON.stringify(toSarif(report, doctorVersion), null, 2)}\n`,
      )
    if (parsed.json) console.log(JSON.stringify(report, null, 2))
    else process.stdout.write(formatText(report))
    return report.findings.some((finding) => isAtLeast(finding.severity, failOn)) ? 1 : 0
  },
})
