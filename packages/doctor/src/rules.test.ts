import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { auditAt, copyFixture } from '../test/fixture.ts'
import { listRules } from './index.ts'

const k8sRules = listRules()
  .map((rule) => rule.id)
  .filter((id) => id.startsWith('k8s-'))

/** For each rule, the findings each tripping fixture must give: exactly these, at these lines. */
const trips: Record<string, Record<string, string[]>> = {
  'sql-string-built': { trips: ['src/orders.ts:4', 'src/orders.ts:6'] },
  'password-weak-hash': {
    trips: [
      'src/users.ts:6',
      'src/users.ts:7',
      'src/users.ts:8',
      'src/users.ts:9',
      'src/users.ts:14',
      'src/users.ts:15',
      'src/users.ts:17',
      'src/users.ts:18',
    ],
  },
  'jwt-secret-literal': {
    trips: [
      'src/fast-jwt-require.cjs:3',
      'src/fast-jwt.ts:6',
      'src/fast-jwt.ts:7',
      'src/fast-jwt.ts:8',
      'src/mixed.ts:6',
      'src/plugin.ts:5',
      'src/tokens.ts:7',
      'src/tokens.ts:8',
      'src/tokens.ts:11',
    ],
  },
  'jwt-no-expiry': {
    trips: [
      'src/fast-jwt-require.cjs:3',
      'src/fast-jwt.ts:5',
      'src/fast-jwt.ts:6',
      'src/fast-jwt.ts:8',
      'src/tokens.ts:6',
      'src/tokens.ts:7',
      'src/tokens.ts:8',
    ],
  },
  'auth-route-no-rate-limit': { trips: ['src/app.ts:4', 'src/app.ts:8'] },
  'token-in-body': { trips: ['src/auth.ts:6'] },
  'cors-any-origin': { trips: ['src/app.ts:7', 'src/app.ts:8', 'src/app.ts:11', 'src/app.ts:12'] },
  'webhook-unverified': { trips: ['src/webhooks.ts:4'] },
  'error-stack-exposed': { trips: ['src/errors.ts:5', 'src/errors.ts:10', 'src/errors.ts:16'] },
  'fk-without-index': {
    'trips-sql': ['migrations/001_init.sql:4'],
    'trips-drizzle': ['src/schema.ts:10'],
    'trips-prisma': ['prisma/schema.prisma:13'],
  },
  'email-not-unique': {
    'trips-sql': ['migrations/001_init.sql:3'],
    'trips-drizzle': ['src/schema.ts:5'],
    'trips-prisma': ['prisma/schema.prisma:8'],
  },
  'create-without-idempotency': { trips: ['src/routes.ts:4'] },
  'openapi-undocumented-route': { trips: ['src/app.ts:6', 'src/app.ts:7'] },
  'outbound-no-timeout': { trips: ['src/clients.ts:4', 'src/clients.ts:5', 'src/clients.ts:6'] },
  'docker-image-unpinned': { trips: ['Dockerfile:1', 'Dockerfile:3'] },
  'docker-runs-as-root': { trips: ['Dockerfile:1'] },
  'docker-no-healthcheck': { trips: ['Dockerfile:1'] },
  'docker-copy-before-install': { trips: ['Dockerfile:3'] },
  'docker-unfrozen-install': { trips: ['Dockerfile:3', 'Dockerfile:4'] },
  'no-lockfile': { trips: ['package.json:1'] },
  'env-undocumented': {
    trips: ['src/config.ts:2', 'src/config.ts:3'],
    'trips-shipshape': ['src/config.ts:6'],
  },
  'env-unused': { trips: ['.env.example:2'], 'trips-shipshape': ['.env.example:17'] },
  'private-key-committed': { trips: ['certs/server.key:1'] },
  'runtime-mismatch': { trips: ['.github/workflows/ci.yml:10', 'Dockerfile:1', 'package.json:5'] },
  'no-migrations': {
    trips: ['package.json:5', 'package.json:6', 'package.json:8', 'src/db.ts:4', 'src/db.ts:6'],
  },
  'no-graceful-shutdown': { trips: ['src/server.ts:5'], 'trips-exit-only': ['src/server.ts:5'] },
  'no-readiness-route': { trips: ['src/server.ts:5'] },
  'tests-happy-path-only': { trips: ['test/items.test.ts:1'] },
}

const passes: Record<string, string[]> = {
  'fk-without-index': ['passes-sql', 'passes-drizzle', 'passes-prisma', 'passes-prisma-mysql'],
  'email-not-unique': ['passes-sql', 'passes-drizzle', 'passes-prisma'],
  'docker-no-healthcheck': ['passes', 'passes-k8s'],
  'no-graceful-shutdown': ['passes', 'passes-test-helpers'],
  'env-unused': ['passes', 'passes-shipshape'],
}

describe.each(Object.entries(trips))('%s', (rule, fixtures) => {
  it.each(Object.entries(fixtures))('reports %s at exactly its lines', async (fixture, expected) => {
    const dir = copyFixture(`rules/${rule}/${fixture}`)
    expect(await auditAt(dir, { rules: [rule] })).toEqual(expected.map((at) => `${rule} ${at}`))
  })

  it.each(passes[rule] ?? ['passes'])('reports nothing on %s', async (fixture) => {
    const dir = copyFixture(`rules/${rule}/${fixture}`)
    expect(await auditAt(dir, { rules: [rule] })).toEqual([])
  })
})

describe('the Kubernetes rules', () => {
  it('report every missing property of a careless Deployment, on its container', async () => {
    const dir = copyFixture('rules/k8s/trips')
    const found = await auditAt(dir, { rules: k8sRules })
    expect(found).toEqual(k8sRules.map((id) => `${id} deploy/k8s/deployment.yaml:17`).sort())
  })

  it('pass a compliant Deployment (probes, resources, hardening, grace above the drain plus preStop)', async () => {
    const dir = copyFixture('rules/k8s/passes')
    expect(await auditAt(dir, { rules: k8sRules })).toEqual([])
  })
})

// `.env` and node_modules/ cannot be committed as fixtures (this repository ignores them), so they are written here.
describe('env-file-committed', () => {
  it('reports a .env that git does not ignore', async () => {
    const dir = copyFixture('rules/env-unused/passes')
    writeFileSync(join(dir, '.env'), 'JWT_SECRET=real-value\n')
    expect(await auditAt(dir, { rules: ['env-file-committed'] })).toEqual(['env-file-committed .env:1'])
  })

  it('reports nothing when .gitignore lists it', async () => {
    const dir = copyFixture('rules/env-unused/passes')
    writeFileSync(join(dir, '.env'), 'JWT_SECRET=real-value\n')
    writeFileSync(join(dir, '.gitignore'), '.env\n')
    expect(await auditAt(dir, { rules: ['env-file-committed'] })).toEqual([])
  })
})

describe('dependency-engines', () => {
  const withDependency = (engines: string) => {
    const dir = copyFixture('rules/runtime-mismatch/passes')
    mkdirSync(join(dir, 'node_modules/fancy-lib'), { recursive: true })
    writeFileSync(
      join(dir, 'node_modules/fancy-lib/package.json'),
      JSON.stringify({ name: 'fancy-lib', engines: { node: engines } }),
    )
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify(
        { name: 'svc', engines: { node: '>=24.21.0 <25' }, dependencies: { 'fancy-lib': '1.0.0' } },
        null,
        2,
      ),
    )
    return dir
  }

  it('reports a direct dependency whose engines reject the pinned Node', async () => {
    expect(await auditAt(withDependency('>=25'), { rules: ['dependency-engines'] })).toEqual([
      'dependency-engines package.json:7',
    ])
  })

  it('reports nothing when the pinned Node satisfies it', async () => {
    expect(await auditAt(withDependency('>=20'), { rules: ['dependency-engines'] })).toEqual([])
  })
})

it('every rule has a tripping fixture in this file', () => {
  const covered = new Set([...Object.keys(trips), ...k8sRules, 'env-file-committed', 'dependency-engines'])
  expect(listRules().filter((rule) => !covered.has(rule.id))).toEqual([])
})

it('the README lists every rule with its severity, in order', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const rows = [...readme.matchAll(/^\| `([a-z0-9-]+)`\s*\| (error|warning|info)\s*\|/gm)].map(
    ([, id, severity]) => `${id} ${severity}`,
  )
  expect(rows).toEqual(listRules().map((rule) => `${rule.id} ${rule.severity}`))
})
