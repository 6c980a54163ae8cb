import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runCli } from '../test/run-cli.ts'
import { commitAll, createOutdatedService, editFile, oldLine, snapshotTree } from '../test/service-fixture.ts'

// Each case generates a service and runs the CLI on it: 3-16 s on CI, once 32.6 s beside other suites.
const GENERATES_A_SERVICE = 60_000

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))
const noStack = /\n\s+at /

describe('shipshape regen refuses, with a distinct exit code and no stack trace', {
  timeout: GENERATES_A_SERVICE,
}, () => {
  it.each([
    ['a service that does not exist', ['regen', 'ghost'], 10, /not a generated service/],
    ['an unknown component', ['regen', 'billing', 'nope', '--check'], 12, /Unknown component "nope"/],
    ['a missing service name', ['regen'], 2, /Missing the service name/],
    ['an unknown flag', ['regen', 'billing', '--chek'], 2, /Unknown option --chek/],
    ['add without a service', ['add', 'docker'], 2, /Missing an argument/],
    [
      'adding a component the service has',
      ['add', 'docker', 'billing', '--allow-dirty'],
      13,
      /already has the docker component/,
    ],
  ])('%s', async (_case, args, exitCode, message) => {
    const { workspace, dir } = await createOutdatedService()
    const before = snapshotTree(dir)
    const result = runCli(args, workspace)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).not.toMatch(noStack)
    expect(result.status).toBe(exitCode)
    expect(snapshotTree(dir)).toEqual(before)
  })

  it('a service with uncommitted changes, unless --allow-dirty', async () => {
    const { workspace, dir } = await createOutdatedService()
    commitAll(workspace)
    editFile(join(dir, 'src/server.ts'), (t) => `${t}// uncommitted\n`)
    const before = snapshotTree(dir)
    const refused = runCli(['regen', 'billing'], workspace)
    expect(refused.stderr).toMatch(/uncommitted changes \(M apps\/billing\/src\/server.ts\)/)
    expect(refused.status).toBe(15)
    expect(snapshotTree(dir)).toEqual(before)
    const allowed = runCli(['regen', 'billing', '--allow-dirty'], workspace)
    expect(allowed.status).toBe(0)
    expect(readFileSync(join(dir, 'src/server.ts'), 'utf8')).toMatch(/\/\/ uncommitted\n$/)
  })

  it('a service outside git, unless --allow-dirty', async () => {
    const { workspace } = await createOutdatedService()
    const result = runCli(['regen', 'billing'], workspace)
    expect(result.stderr).toMatch(/Put the workspace under git, or pass --allow-dirty/)
    expect(result.status).toBe(16)
  })

  it('an error half way rolls everything back (exit 18)', async () => {
    // The old template lacked src/db/client.ts; today's adds it. A folder stands where its base copy must
    // go, and the service's files are written before the .shipshape/ record, so this fails half way.
    const { workspace, dir } = await createOutdatedService({ without: 'src/db/client.ts' })
    commitAll(workspace)
    editFile(join(dir, 'src/server.ts'), (t) => `${t}// mine\n`)
    mkdirSync(join(dir, '.shipshape/base/src/db/client.ts/blocker'), { recursive: true })
    const before = snapshotTree(dir)
    const result = runCli(['regen', 'billing', '--allow-dirty'], workspace)
    expect(result.stderr).toMatch(/every change was rolled back/)
    expect(result.stderr).not.toMatch(noStack)
    expect(result.status).toBe(18)
    expect(snapshotTree(dir)).toEqual(before)
  })
})

describe('shipshape regen --check, for CI', { timeout: GENERATES_A_SERVICE }, () => {
  it('exits 0 when the service is current', async () => {
    const { workspace } = await createOutdatedService({ fresh: true })
    const result = runCli(['regen', 'billing', '--check'], workspace)
    expect(result.stdout).toMatch(/up to date/)
    expect(result.status).toBe(0)
  })

  it('exits 20 when updates are pending, and writes nothing', async () => {
    const { workspace, dir } = await createOutdatedService()
    const before = snapshotTree(dir)
    const result = runCli(['regen', 'billing', '--check'], workspace)
    expect(result.stdout).toMatch(/updated\s+src\/app.ts/)
    expect(result.status).toBe(20)
    expect(snapshotTree(dir)).toEqual(before)
  })

  it('exits 21 when the update would conflict, and writes nothing', async () => {
    const { workspace, dir } = await createOutdatedService()
    editFile(join(dir, 'src/app.ts'), (t) => t.replace(oldLine, '// the user changed that line'))
    const before = snapshotTree(dir)
    const result = runCli(['regen', 'billing', '--check'], workspace)
    expect(result.status).toBe(21)
    expect(snapshotTree(dir)).toEqual(before)
  })

  it('the reference service in apps/ is current (shipshape regen bookings --check in this repository)', () => {
    const result = runCli(['regen', 'bookings', '--check'], repoRoot)
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(/up to date/)
    expect(result.status).toBe(0)
  })
})

describe('shipshape regen', { timeout: GENERATES_A_SERVICE }, () => {
  it('--dry-run prints a unified diff and writes nothing', async () => {
    const { workspace, dir } = await createOutdatedService()
    const before = snapshotTree(dir)
    const result = runCli(['regen', 'billing', '--dry-run'], workspace)
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('--- a/src/app.ts\n+++ b/src/app.ts\n')
    expect(result.stdout).toContain(`-${oldLine}\n`)
    expect(snapshotTree(dir)).toEqual(before)
  })

  it('--json prints one report document', async () => {
    const { workspace } = await createOutdatedService()
    const result = runCli(['regen', 'billing', '--check', '--json'], workspace)
    expect(result.status).toBe(20)
    const report = JSON.parse(result.stdout)
    expect(report).toMatchObject({ service: 'billing', outcome: 'pending', written: false, exitCode: 20 })
    expect(report.template).toEqual({ name: 'service', version: expect.any(String) })
    expect(report.components).toEqual(['base', 'database', 'env', 'docker', 'deploy', 'git'])
    expect(report.files).toContainEqual({
      path: 'src/app.ts',
      component: 'base',
      class: 'merged',
      action: 'updated',
      conflicts: [],
      markers: 0,
      note: expect.any(String),
    })
    expect(report.writes).toEqual(['src/app.ts', '.shipshape/base/src/app.ts', '.shipshape/manifest.json'])
    expect(report.diff).toContain('+++ b/src/app.ts')
  })

  it('updates a committed service, then a second run changes nothing', async () => {
    const { workspace, dir } = await createOutdatedService()
    commitAll(workspace)
    const first = runCli(['regen', 'billing'], workspace)
    expect(first.stdout).toMatch(/updated to the service template/)
    expect(first.status).toBe(0)
    expect(readFileSync(join(dir, 'src/app.ts'), 'utf8')).not.toContain(oldLine)
    const after = snapshotTree(dir)
    const second = runCli(['regen', 'billing', '--allow-dirty'], workspace)
    expect(second.stdout).toMatch(/up to date/)
    expect(second.status).toBe(0)
    expect(snapshotTree(dir)).toEqual(after)
    expect(runCli(['regen', 'billing', '--check'], workspace).status).toBe(0)
  })

  it('writes conflict markers, reports them, and exits 21', async () => {
    const { workspace, dir } = await createOutdatedService()
    editFile(join(dir, 'src/app.ts'), (t) => t.replace(oldLine, '// the user changed that line'))
    const result = runCli(['regen', 'billing', '--allow-dirty'], workspace)
    expect(result.status).toBe(21)
    expect(result.stderr).toMatch(
      /1 file\(s\) in apps\/billing conflict with the template:\n {2}src\/app\.ts \(merged\): 1 hunk\(s\) between <<<<<<< yours and >>>>>>> template markers written into it/,
    )
    expect(result.stderr).not.toMatch(noStack)
    expect(readFileSync(join(dir, 'src/app.ts'), 'utf8')).toMatch(
      /<<<<<<< yours\n\/\/ the user changed that line\n\|\|\|\|\|\|\| base\n.*\n=======\n>>>>>>> template\n/,
    )
  })
})

// Each message is checked against what is on disk afterwards: markers are promised only where they are.
describe('the conflict message tells the truth for each ownership class', {
  timeout: GENERATES_A_SERVICE,
}, () => {
  const markers = /<<<<<<<|>>>>>>>/

  it('merged, under --check: markers would be written, and none are', async () => {
    const { workspace, dir } = await createOutdatedService()
    editFile(join(dir, 'src/app.ts'), (t) => t.replace(oldLine, '// the user changed that line'))
    const result = runCli(['regen', 'billing', '--check'], workspace)
    expect(result.status).toBe(21)
    expect(result.stderr).toMatch(/conflict with the template \(nothing written\):/)
    expect(result.stderr).toMatch(
      /src\/app\.ts \(merged\): a regen would write 1 hunk\(s\) between <<<<<<< yours/,
    )
    expect(readFileSync(join(dir, 'src/app.ts'), 'utf8')).not.toMatch(markers)
  })

  /** A service whose copy of `path` changed the line the template has since dropped; then a real regen. */
  async function regenAfterBothChanged(path: string, rendered: string, comment: string) {
    const line = `${comment} a line the old template had`
    const { workspace, dir } = await createOutdatedService({ older: { path, edit: (t) => `${t}${line}\n` } })
    const file = join(dir, rendered)
    editFile(file, (t) => t.replace(line, `${comment} the user changed that line`))
    const edited = readFileSync(file, 'utf8')
    return { workspace, file, edited, result: runCli(['regen', 'billing', '--allow-dirty'], workspace) }
  }

  it('managed, edited by the user and changed by the template: no markers, the file as it was, --force named', async () => {
    const { workspace, file, edited, result } = await regenAfterBothChanged(
      'otel-collector.yaml',
      'otel-collector.yaml',
      '#',
    )
    expect(result.status).toBe(21)
    expect(result.stderr).toContain(
      'otel-collector.yaml (managed): managed: you edited it and the template changed it; the file is left as it is (no markers), and every regen reports this until the file agrees with the template\'s version: "shipshape regen billing --force" replaces your edits with it',
    )
    expect(result.stderr).not.toMatch(markers)
    expect(readFileSync(file, 'utf8')).toBe(edited)
    const forced = runCli(['regen', 'billing', '--allow-dirty', '--force'], workspace)
    expect(forced.status).toBe(0)
    expect(readFileSync(file, 'utf8')).not.toContain('the user changed that line')
  })

  it('structured, a key both changed: no markers, the other keys merged, the key named', async () => {
    const setStart = (value: string) => (text: string) => {
      const manifest = JSON.parse(text)
      manifest.scripts.start = value
      return `${JSON.stringify(manifest, null, 2)}\n`
    }
    const older = { path: 'package.json', edit: setStart('node dist/old-server.js') }
    const { workspace, dir } = await createOutdatedService({ older })
    const file = join(dir, 'package.json')
    editFile(file, setStart('node dist/my-server.js'))
    const result = runCli(['regen', 'billing', '--allow-dirty'], workspace)
    expect(result.status).toBe(21)
    expect(result.stderr).toContain(
      'package.json (structured): both changed scripts.start; yours is kept; the other keys are merged (no markers)',
    )
    expect(result.stderr).not.toMatch(markers)
    expect(JSON.parse(readFileSync(file, 'utf8')).scripts.start).toBe('node dist/my-server.js')
  })

  it('seeded, edited by the user and changed by the template: kept, and said so; no conflict', async () => {
    const { file, edited, result } = await regenAfterBothChanged(
      'src/routes/{{resource}}.ts',
      'src/routes/items.ts',
      '//',
    )
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(
      /kept\s+src\/routes\/items\.ts {2}\(seeded: yours; regen leaves it as it is\)/,
    )
    expect(result.stderr).toBe('')
    expect(readFileSync(file, 'utf8')).toBe(edited)
  })
})

describe('shipshape list and add', { timeout: GENERATES_A_SERVICE }, () => {
  it('list shows each component, its version and state', async () => {
    const { workspace, dir } = await createOutdatedService()
    editFile(join(dir, 'Dockerfile'), (t) => `${t}# mine\n`)
    const result = runCli(['list', 'billing'], workspace)
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^base\s+\S+\s+behind\s/m)
    expect(result.stdout).toMatch(/^docker\s+\S+\s+modified\s/m)
    expect(result.stdout).toMatch(/^git\s+\S+\s+current\s/m)
    expect(result.stdout).toMatch(
      /^database\s[^\n]*\n(?: {2}[^\n]*\n)* {2}owns\s+package\.json: scripts\.db:migrate$/m,
    )
    const json = JSON.parse(runCli(['list', 'billing', '--json'], workspace).stdout)
    expect(json.components.map((c: { name: string }) => c.name)).toEqual([
      'base',
      'database',
      'env',
      'docker',
      'deploy',
      'git',
    ])
  })
})
