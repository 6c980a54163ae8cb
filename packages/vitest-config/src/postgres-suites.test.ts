import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'

const fixture = join(import.meta.dirname, '../test/fixture')
const vitest = join(createRequire(import.meta.url).resolve('vitest/package.json'), '..', 'vitest.mjs')

type Report = { numPassedTests: number; numFailedTests: number; numPendingTests: number }

/** Runs the fixture's tests in a child vitest with exactly the given database settings. */
function runFixture(env: Record<string, string>, cacheDir: string) {
  const report = join(mkdtempSync(join(tmpdir(), 'vitest-config-')), 'results.json')
  const { PATH, HOME } = process.env
  const result = spawnSync(
    process.execPath,
    [vitest, 'run', '--root', fixture, `--outputFile.json=${report}`, `--fsModuleCachePath=${cacheDir}`],
    { encoding: 'utf8', env: { PATH, HOME, NO_COLOR: '1', ...env }, timeout: 60_000 },
  )
  return {
    status: result.status,
    output: result.stdout + result.stderr,
    report: JSON.parse(readFileSync(report, 'utf8')) as Report,
  }
}

test('without DATABASE_URL a PostgreSQL suite fails and says why, the rest runs', () => {
  const run = runFixture({}, mkdtempSync(join(tmpdir(), 'vitest-cache-')))
  expect(run.status).toBe(1)
  expect(run.report).toMatchObject({ numPassedTests: 1, numFailedTests: 1, numPendingTests: 0 })
  expect(run.output).toContain('DATABASE_URL is not set: this suite needs a real PostgreSQL')
  expect(run.output).toContain('SHIPSHAPE_SKIP_POSTGRES=1')
})

test('SHIPSHAPE_SKIP_POSTGRES=1 reports the suite as skipped, with the reason in its name', () => {
  const run = runFixture({ SHIPSHAPE_SKIP_POSTGRES: '1' }, mkdtempSync(join(tmpdir(), 'vitest-cache-')))
  expect(run.status).toBe(0)
  expect(run.report).toMatchObject({ numPassedTests: 1, numFailedTests: 0, numPendingTests: 1 })
  expect(run.output).toContain('database.pg.test.ts')
})

test('with DATABASE_URL the suite runs, even after a run without it shared the module cache', () => {
  const cache = mkdtempSync(join(tmpdir(), 'vitest-cache-'))
  expect(runFixture({}, cache).status).toBe(1)
  const run = runFixture({ DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused' }, cache)
  expect(run.output).not.toContain('needs PostgreSQL')
  expect(run.report).toMatchObject({ numPassedTests: 2, numFailedTests: 0, numPendingTests: 0 })
  expect(run.status).toBe(0)
})
