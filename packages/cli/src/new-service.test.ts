import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { createTempWorkspace, listTree, runCli } from '../test/run-cli.ts'
import { getPromptDefaults } from './prompt.ts'

let workspace: string

beforeAll(() => {
  workspace = createTempWorkspace()
  const first = runCli(
    ['new', 'service', 'billing', '--port', '4100', '--resource', 'invoices', '--no-install'],
    workspace,
  )
  expect(first.stderr).toBe('')
  expect(first.status).toBe(0)
})

describe('shipshape new service refuses bad input, with a distinct exit code, and writes nothing', () => {
  it.each([
    ['an invalid npm name', ['Bad_Name'], 3, /not a valid service name/],
    ['a reserved name', ['http'], 3, /reserved/],
    ['a Windows device name', ['con'], 3, /reserved/],
    ['a numbered Windows device name', ['lpt9'], 3, /reserved/],
    ['--port with no value', ['ledger', '--port', '--yes'], 2, /^shipshape: --port needs a value\.\n$/],
    ['a relative path', ['../x'], 3, /is a path/],
    ['an absolute path', ['/tmp/x'], 3, /is a path/],
    ['an existing service', ['billing', '--port', '4200'], 6, /already exists/],
    ['a port another service uses', ['ledger', '--port', '4100'], 4, /already used by apps\/billing/],
    ['a privileged port', ['ledger', '--port', '80'], 4, /1024 to 65535/],
    ['a resource that is not plural', ['ledger', '--resource', 'invoice'], 5, /plural noun/],
    ['a resource that collides with a route', ['ledger', '--resource', 'webhooks'], 5, /collides/],
    ['an unknown flag', ['ledger', '--prot', '4300'], 2, /Unknown option --prot/],
    ['a missing name without a terminal', [], 2, /Missing the service name/],
  ])('%s', (_case, args, exitCode, message) => {
    const before = listTree(workspace)
    const result = runCli(['new', 'service', ...args, '--no-install'], workspace)
    expect(result.status).toBe(exitCode)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(listTree(workspace)).toEqual(before)
  })

  it('outside a pnpm workspace', () => {
    const result = runCli(['new', 'service', 'ledger', '--no-install'], '/')
    expect(result.status).toBe(7)
    expect(result.stderr).toMatch(/pnpm-workspace.yaml/)
  })
})

describe('shipshape new service', () => {
  it('makes the service folder as mkdir would (0777 less the umask), not private to its creator', () => {
    const probe = mkdtempSync(join(tmpdir(), 'shipshape-mode-'))
    mkdirSync(join(probe, 'made-by-mkdir'))
    const modeOf = (dir: string) => (statSync(dir).mode & 0o777).toString(8)
    expect(modeOf(join(workspace, 'apps/billing'))).toBe(modeOf(join(probe, 'made-by-mkdir')))
  })

  it('--dry-run lists the files and writes nothing', () => {
    const before = listTree(workspace)
    const result = runCli(['new', 'service', 'ledger', '--port', '4300', '--dry-run'], workspace)
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('Would write')
    expect(result.stdout).toContain('src/routes/items.ts')
    expect(listTree(workspace)).toEqual(before)
  })

  it('outside the shipshape repo depends through the workspace catalog, which gets every version', () => {
    const pkg = JSON.parse(readFileSync(join(workspace, 'apps/billing/package.json'), 'utf8'))
    expect(pkg.name).toBe('billing')
    expect(pkg.dependencies['@shipshape/server']).toBe('catalog:')
    expect(pkg.dependencies['drizzle-orm']).toBe('catalog:')
    expect(JSON.stringify(pkg)).not.toMatch(/workspace:|&#x/)
    const settings = parse(readFileSync(join(workspace, 'pnpm-workspace.yaml'), 'utf8'))
    const cliVersion = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version
    expect(settings.catalog['@shipshape/server']).toBe(cliVersion)
    expect(settings.catalog['drizzle-orm']).toMatch(/^\d+\.\d+\.\d+$/)
    const used = [...Object.entries(pkg.dependencies), ...Object.entries(pkg.devDependencies)]
    for (const [name] of used.filter(([, specifier]) => specifier === 'catalog:')) {
      expect(settings.catalog[name], name).toMatch(/^\d+\.\d+\.\d+$/)
    }
    expect(settings.allowBuilds).toEqual({ esbuild: true, protobufjs: false })
  })

  it('keeps what the workspace already says, its comments, and adds apps/* when its globs miss it', () => {
    const dir = createTempWorkspace()
    const own =
      '# our workspace\npackages:\n  - libs/*\ncatalog:\n  vitest: 4.0.0 # held back on purpose\nallowBuilds:\n  esbuild: false\n'
    writeFileSync(join(dir, 'pnpm-workspace.yaml'), own)
    expect(runCli(['new', 'service', 'ledger', '--no-install'], dir).status).toBe(0)
    const written = readFileSync(join(dir, 'pnpm-workspace.yaml'), 'utf8')
    expect(written).toContain('# our workspace')
    expect(written).toContain('vitest: 4.0.0 # held back on purpose')
    const settings = parse(written)
    expect(settings.packages).toEqual(['libs/*', 'apps/*'])
    expect(settings.allowBuilds).toEqual({ esbuild: false, protobufjs: false })
    expect(settings.catalog['@shipshape/auth']).toBeDefined()
  })

  it('--dry-run names the workspace settings it would add and writes none of them', () => {
    const dir = createTempWorkspace()
    const before = readFileSync(join(dir, 'pnpm-workspace.yaml'), 'utf8')
    const result = runCli(['new', 'service', 'ledger', '--dry-run'], dir)
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/add to pnpm-workspace.yaml:[\s\S]*catalog: @shipshape\/server/)
    expect(readFileSync(join(dir, 'pnpm-workspace.yaml'), 'utf8')).toBe(before)
  })

  it('refuses a pnpm-workspace.yaml it cannot read, and writes nothing', () => {
    const dir = createTempWorkspace()
    writeFileSync(join(dir, 'pnpm-workspace.yaml'), 'packages: [apps/*\n')
    const before = listTree(dir)
    const result = runCli(['new', 'service', 'ledger', '--no-install'], dir)
    expect(result.status).toBe(22)
    expect(result.stderr).toMatch(/pnpm-workspace.yaml is not a YAML mapping/)
    expect(listTree(dir)).toEqual(before)
  })

  it('a failed install exits non-zero, says why, never says "Next", and leaves the workspace as it was', () => {
    const dir = createTempWorkspace()
    const before = listTree(dir)
    const workspaceBefore = readFileSync(join(dir, 'pnpm-workspace.yaml'), 'utf8')
    // Nothing listens on port 9 of the loopback: the registry refuses at once, as an offline machine would.
    const result = runCli(['new', 'service', 'ledger'], dir, {
      pnpm_config_registry: 'http://127.0.0.1:9/',
      pnpm_config_fetch_retries: '0',
      pnpm_config_store_dir: join(dir, '.store'),
    })
    expect(result.status).toBe(19)
    expect(result.stderr).toMatch(/shipshape: pnpm install failed \(exit \d+\): apps\/ledger was removed/)
    expect(result.stdout).not.toMatch(/Next:/)
    expect(readFileSync(join(dir, 'pnpm-workspace.yaml'), 'utf8')).toBe(workspaceBefore)
    expect(
      listTree(dir).filter((path) => !path.startsWith('.store') && !path.startsWith('node_modules')),
    ).toEqual(before)
  }, 120_000)

  it('keeps the service name and the resource name apart, and leaks no literal of the reference service', () => {
    const service = join(workspace, 'apps/billing')
    expect(readFileSync(join(service, 'src/app.ts'), 'utf8')).toContain("name: 'billing'")
    expect(readFileSync(join(service, 'README.md'), 'utf8')).toMatch(/^# billing\n/)
    expect(readFileSync(join(service, 'docker-compose.yml'), 'utf8')).toContain('POSTGRES_DB: billing')
    for (const file of listTree(service).filter((p) => statSync(join(service, p)).isFile())) {
      expect(readFileSync(join(service, file), 'utf8'), file).not.toMatch(/booking|\{\{|&#x/i)
    }
  })

  it('names the resource everywhere and records every file in the manifest', () => {
    const service = join(workspace, 'apps/billing')
    expect(readFileSync(join(service, 'src/routes/invoices.ts'), 'utf8')).toContain("from '../db/schema.ts'")
    const manifest = JSON.parse(readFileSync(join(service, '.shipshape/manifest.json'), 'utf8'))
    expect(manifest.answers).toEqual({ name: 'billing', port: 4100, resource: 'invoices' })
    const recorded = Object.values(manifest.components).flatMap((c) =>
      Object.keys((c as { files: object }).files),
    )
    const onDisk = listTree(service).filter(
      (p) => !p.startsWith('.shipshape') && statSync(join(service, p)).isFile(),
    )
    expect(recorded.sort()).toEqual(onDisk)
    for (const file of recorded) {
      expect(readFileSync(join(service, '.shipshape/base', file), 'utf8')).toBe(
        readFileSync(join(service, file), 'utf8'),
      )
    }
  })

  it('suggests, at the port prompt, the first port no service of the workspace uses', () => {
    // billing took 4100; the audit service added below takes 3000 in the test after this one.
    expect(getPromptDefaults(workspace).port).toBe('3000')
    const dir = createTempWorkspace()
    expect(runCli(['new', 'service', 'first', '--no-install'], dir).status).toBe(0)
    expect(getPromptDefaults(dir)).toEqual({ name: undefined, port: '3001', resource: 'items' })
  })

  it('picks the next free port when --port is left out', () => {
    const result = runCli(['new', 'service', 'ledger', '--dry-run'], workspace)
    expect(result.status).toBe(0)
    const again = runCli(['new', 'service', 'audit', '--port', '3000', '--no-install'], workspace)
    expect(again.status).toBe(0)
    const third = runCli(['new', 'service', 'ledger', '--no-install'], workspace)
    expect(third.status).toBe(0)
    const manifest = JSON.parse(readFileSync(join(workspace, 'apps/ledger/.shipshape/manifest.json'), 'utf8'))
    expect(manifest.answers.port).toBe(3001)
  })
})
