import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createService } from '@shipshape/generator'
import { describe, expect, it } from 'vitest'
import { auditAt, copyFixture } from '../test/fixture.ts'
import { runDoctor } from './index.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const services = readdirSync(join(repoRoot, 'apps')).filter((name) =>
  existsSync(join(repoRoot, 'apps', name, 'package.json')),
)

describe('a service written in a hurry (Express, raw pg, no care)', () => {
  it('reports every flaw, at its line, and nothing else', async () => {
    const dir = copyFixture('hurried-service')
    expect(await auditAt(dir)).toEqual([
      'env-unused .env.example:3',
      'docker-image-unpinned Dockerfile:1',
      'docker-no-healthcheck Dockerfile:1',
      'docker-runs-as-root Dockerfile:1',
      'docker-copy-before-install Dockerfile:3',
      'docker-unfrozen-install Dockerfile:4',
      'email-not-unique migrations/001_init.sql:3',
      'fk-without-index migrations/001_init.sql:9',
      'no-lockfile package.json:1',
      'env-undocumented src/server.js:7',
      'auth-route-no-rate-limit src/server.js:11',
      'sql-string-built src/server.js:12',
      'jwt-no-expiry src/server.js:13',
      'jwt-secret-literal src/server.js:13',
      'token-in-body src/server.js:14',
      'create-without-idempotency src/server.js:17',
      'outbound-no-timeout src/server.js:22',
      'webhook-unverified src/server.js:26',
      'no-graceful-shutdown src/server.js:33',
      'no-readiness-route src/server.js:33',
      'tests-happy-path-only test/orders.test.js:1',
    ])
  })

  it('gives each finding its severity, one-sentence reason and fix', async () => {
    const { findings } = await runDoctor(copyFixture('hurried-service'))
    const sql = findings.find((finding) => finding.rule === 'sql-string-built')
    expect(sql).toMatchObject({ severity: 'error', file: 'src/server.js', line: 12, column: 26 })
    expect(sql?.why).toMatch(/injection/)
    expect(sql?.fix).toMatch(/parameters/)
  })
})

describe('what shipshape generates reports no finding', () => {
  it('apps/bookings is among the services audited', () => {
    expect(services).toContain('bookings')
  })

  it.each(services)('apps/%s, as checked in (with its workspace)', async (service) => {
    const { findings } = await runDoctor(join(repoRoot, 'apps', service))
    expect(findings).toEqual([])
  })

  it('a service generated now, in a workspace of its own', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'doctor-generated-'))
    writeFileSync(join(workspace, 'pnpm-workspace.yaml'), 'packages:\n  - apps/*\n')
    // `shipshape new service` installs after rendering, which writes the lockfile; createService only renders.
    writeFileSync(join(workspace, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n")
    const { dir } = await createService({
      cwd: workspace,
      input: { name: 'fresh', port: 4100, resource: 'parcels' },
    })
    const { findings } = await runDoctor(dir)
    expect(findings).toEqual([])
  })
})
