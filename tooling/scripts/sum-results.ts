import { existsSync, globSync, readFileSync } from 'node:fs'

// One closing line for the whole run, summed from every vitest JSON report (turbo restores cached ones).
type Report = {
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
  numTodoTests: number
}
const files = globSync('{packages,apps,tooling}/*/.vitest/results.json').filter((file) => existsSync(file))
let passed = 0
let failed = 0
let skipped = 0
for (const file of files) {
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report
  passed += report.numPassedTests
  failed += report.numFailedTests
  skipped += report.numPendingTests + report.numTodoTests
}
// Suites that measure something (wall times, latencies under a fault) leave their figures beside the report,
// so a green run shows them too.
for (const file of globSync('{packages,apps,tooling}/*/.vitest/figures.txt')) {
  console.log(`\n${file.split('/').slice(0, 2).join('/')}:\n${readFileSync(file, 'utf8').trimEnd()}`)
}
console.log(`\n${files.length} test suites reported`)
console.log(`tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`)
process.exitCode = failed > 0 || skipped > 0 || files.length === 0 ? 1 : 0
