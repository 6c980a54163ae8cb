import { relative } from 'node:path'
import { outcomeExitCodes, type UpdateReport } from '@shipshape/generator'

/** The exit code of a regen/add: `--check` tells pending from current; every run reports conflicts. */
export function getUpdateExitCode(report: UpdateReport, check: boolean): number {
  if (report.outcome === 'conflicts') return outcomeExitCodes.conflicts
  if (check && report.outcome === 'pending') return outcomeExitCodes.pending
  return outcomeExitCodes.current
}

/** Prints the report for people (or as one JSON document with --json) and returns the exit code. */
export function printUpdate(
  report: UpdateReport,
  options: { json: boolean; check: boolean; dryRun: boolean },
): number {
  const exitCode = getUpdateExitCode(report, options.check)
  if (options.json) {
    console.log(JSON.stringify({ ...report, exitCode }, null, 2))
    return exitCode
  }
  const where = relative(process.cwd(), report.dir) || '.'
  for (const file of report.files) {
    const path = file.from ? `${file.from} -> ${file.path}` : file.path
    console.log(`  ${file.action.padEnd(15)} ${path}${file.note ? `  (${file.note})` : ''}`)
  }
  if (options.dryRun && report.diff) process.stdout.write(`\n${report.diff}`)
  console.log(getSummary(report, where))
  if (report.outcome === 'conflicts') {
    const count = report.files.filter((file) => file.action === 'conflict').length
    console.error(
      `shipshape: ${count} file(s) in ${where} conflict with the template; resolve them (search for <<<<<<<), then run regen again.`,
    )
  }
  return exitCode
}

function getSummary(report: UpdateReport, where: string): string {
  const template = `${report.template.name} template ${report.template.version}`
  switch (report.outcome) {
    case 'current':
      return `${where} is up to date with the ${template}.`
    case 'pending':
      return `${where}: ${report.writes.length} change(s) pending from the ${template}; nothing written.`
    case 'updated':
      return `${where} updated to the ${template} (${report.writes.length} file(s) written).`
    case 'conflicts':
      return report.written
        ? `${where} updated to the ${template}, with conflicts.`
        : `${where}: the ${template} would conflict; nothing written.`
  }
}
