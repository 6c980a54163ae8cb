import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type DoctorOptions, runDoctor } from '../src/index.ts'

export const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url))

/**
 * A copy of a fixture in its own git repository outside this one: the repository's `.gitignore`,
 * lockfile and `.node-version` must not leak into what the fixture is judged on.
 */
export function copyFixture(path: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-fixture-'))
  cpSync(join(fixturesDir, path), dir, { recursive: true })
  execFileSync('git', ['init', '-q'], { cwd: dir })
  return dir
}

/** Each finding as `rule file:line`, the form the tests compare. */
export async function auditAt(dir: string, options: DoctorOptions = {}): Promise<string[]> {
  const { findings } = await runDoctor(dir, { workspaceRoot: dir, ...options })
  return findings.map((finding) => `${finding.rule} ${finding.file}:${finding.line}`)
}
