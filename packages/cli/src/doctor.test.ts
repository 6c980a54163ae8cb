import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../test/run-cli.ts'

const digest = 'sha256:0e0ff40c39bc087845bfb27465a0df4ea419520094bc35842ff83dd8cbe6f9b6'

/** A directory holding only a Dockerfile: `latest` is an error, a missing HEALTHCHECK a warning. */
function createAudited(dockerfile: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-doctor-'))
  writeFileSync(join(dir, 'Dockerfile'), dockerfile)
  return dir
}

const withError = () => createAudited('FROM node:latest\nUSER node\nHEALTHCHECK CMD ["true"]\n')
const withWarningOnly = () => createAudited(`FROM node:24.21.0-bookworm-slim@${digest}\nUSER node\n`)

describe('shipshape doctor', () => {
  it('exits 1 on an error, naming rule, severity, file:line, why and fix', () => {
    const result = runCli(['doctor', withError()], tmpdir())
    expect(result.stdout).toContain('Dockerfile:1  error  docker-image-unpinned')
    expect(result.stdout).toMatch(/why: .+\n {2}fix: .+/)
    expect(result.status).toBe(1)
  })

  it('exits 0 when every finding is below --fail-on, 1 once the threshold reaches it', () => {
    const dir = withWarningOnly()
    const byDefault = runCli(['doctor', dir], tmpdir())
    expect(byDefault.stdout).toContain('warning  docker-no-healthcheck')
    expect(byDefault.status).toBe(0)
    expect(runCli(['doctor', dir, '--fail-on', 'warning'], tmpdir()).status).toBe(1)
    expect(runCli(['doctor', dir, '--fail-on=info'], tmpdir()).status).toBe(1)
  })

  it('exits 0 on a clean directory, audited from the current one by default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-doctor-clean-'))
    const result = runCli(['doctor'], dir)
    expect(result.stdout).toBe('No findings.\n')
    expect(result.status).toBe(0)
  })

  it('prints JSON with --json and writes SARIF 2.1.0 with --sarif', () => {
    const dir = withError()
    const out = join(mkdtempSync(join(tmpdir(), 'shipshape-sarif-')), 'nested')
    mkdirSync(out)
    const result = runCli(['doctor', dir, '--json', '--sarif', join(out, 'doctor.sarif')], tmpdir())
    const report = JSON.parse(result.stdout) as { findings: { rule: string; file: string; line: number }[] }
    expect(report.findings).toEqual([
      expect.objectContaining({ rule: 'docker-image-unpinned', file: 'Dockerfile', line: 1 }),
    ])
    const sarif = JSON.parse(readFileSync(join(out, 'doctor.sarif'), 'utf8'))
    expect(sarif.version).toBe('2.1.0')
    expect(sarif.runs[0].results[0].ruleId).toBe('docker-image-unpinned')
    expect(result.status).toBe(1)
  })

  it.each([
    ['an unknown severity', ['--fail-on', 'fatal'], /--fail-on takes error, warning or info/],
    ['an unknown flag', ['--sarf', 'x'], /Unknown option --sarf/],
    ['--sarif without a file', ['--sarif'], /--sarif needs a value/],
  ])('exits 2 on %s', (_case, flags, message) => {
    const result = runCli(['doctor', withError(), ...flags], tmpdir())
    expect(result.stderr).toMatch(message)
    expect(result.status).toBe(2)
  })

  it('exits 2 on a directory that does not exist', () => {
    const result = runCli(['doctor', join(tmpdir(), 'no-such-service-dir')], tmpdir())
    expect(result.stderr).toMatch(/is not a directory/)
    expect(result.status).toBe(2)
  })
})
