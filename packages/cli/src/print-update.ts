import { relative } from 'node:path'
import { type FileReport, outcomeExitCodes, type UpdateReport } from '@shipshape/generator'

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
  // A regen that writes reports what it did; --check and --dry-run what it would do.
  const writing = !options.check && !options.dryRun
  if (report.outcome === 'conflicts') console.error(getConflictMessage(report, where, writing))
  return exitCode
}

/** Per conflicting file, what regen did to it and what to do: markers only where they are (or would be) written. */
function getConflictMessage(report: UpdateReport, where: string, writing: boolean): string {
  const conflicting = report.files.filter((file) => file.action === 'conflict')
  const lines = conflicting.map(
    (file) => `  ${file.path} (${file.class}): ${describeConflict(file, report.service, writing)}`,
  )
  const state = writing ? '' : ' (nothing written)'
  return [
    `shipshape: ${conflicting.length} file(s) in ${where} conflict with the template${state}:`,
    ...lines,
  ].join('\n')
}

function describeConflict(file: FileReport, service: string, writing: boolean): string {
  const is = writing ? 'is' : 'would be'
  if (file.markers > 0) {
    const hunks = `${file.markers} hunk(s) between <<<<<<< yours and >>>>>>> template markers`
    return writing
      ? `${hunks} written into it: keep what you want, delete the markers, commit.`
      : `a regen would write ${hunks} into it.`
  }
  const why = file.conflicts.join('; ')
  const until = "every regen reports this until the file agrees with the template's version"
  switch (file.class) {
    case 'managed':
      return `${why}; the file ${is} left as it is (no markers), and ${until}: "shipshape regen ${service} --force" replaces your edits with it (see the change first with --dry-run).`
    case 'structured':
      return `${why}; the other keys ${is === 'is' ? 'are' : 'would be'} merged (no markers), and ${until} on those keys.`
    default:
      return `${why}; the file ${is} left as it is (no markers), and ${until}.`
  }
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
