import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { appendLine, createScenario, prependLine, replaceFirstLine } from '../test/scenario.ts'
import { checkDrift } from './drift.ts'
import { GeneratorError } from './errors.ts'
import type { UpdateReport } from './update-service.ts'

const byPath = (report: UpdateReport, path: string) => report.files.find((f) => f.path === path)

describe('regen refuses what it cannot do safely', () => {
  it('an error half way (the .shipshape/base copy cannot be written) leaves the service exactly as it was', async () => {
    const s = await createScenario()
    s.editTemplate('src/app.ts', (t) => appendLine(t, '// template: improved'))
    writeFileSync(join(s.templatesRoot, 'service/src/db/extra.ts'), 'export const extra = 1\n')
    s.editService('src/server.ts', (t) => appendLine(t, '// user: mine'))
    // A folder where the new file's base copy must go: the service files are written first, then this fails.
    mkdirSync(join(s.dir, '.shipshape/base/src/db/extra.ts'), { recursive: true })
    const before = s.snapshot()
    const error = await s.regen().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GeneratorError)
    expect((error as GeneratorError).code).toBe('SHIPSHAPE_WRITE_FAILED')
    expect((error as GeneratorError).message).toMatch(/rolled back/)
    expect(s.snapshot()).toEqual(before)
  })

  it('an unknown component, and one the service lacks, are refused with their own codes', async () => {
    const s = await createScenario({ components: ['base', 'env', 'git'] })
    await expect(s.regen({ components: ['nope'] })).rejects.toMatchObject({
      code: 'SHIPSHAPE_UNKNOWN_COMPONENT',
    })
    await expect(s.regen({ components: ['docker'] })).rejects.toMatchObject({
      code: 'SHIPSHAPE_COMPONENT_ABSENT',
    })
  })
})

describe('regen scenarios on a generated service', () => {
  it('the template changes a line the user did not touch: the service takes it', async () => {
    const s = await createScenario()
    s.editTemplate('src/app.ts', (t) => appendLine(t, '// template: improved'))
    const report = await s.regen()
    expect(report.outcome).toBe('updated')
    expect(byPath(report, 'src/app.ts')?.action).toBe('updated')
    expect(s.read('src/app.ts')).toMatch(/\/\/ template: improved\n$/)
  })

  it('the user and the template change different lines of one file: a clean merge keeps both', async () => {
    const s = await createScenario()
    s.editTemplate('src/app.ts', (t) => appendLine(t, '// template: improved'))
    s.editService('src/app.ts', (t) => prependLine(t, '// user: my note'))
    const report = await s.regen()
    expect(report.outcome).toBe('updated')
    expect(byPath(report, 'src/app.ts')?.action).toBe('merged')
    expect(s.read('src/app.ts')).toMatch(/^\/\/ user: my note\n[\s\S]*\/\/ template: improved\n$/)
  })

  it('both change the same line: conflict markers are written and reported', async () => {
    const s = await createScenario()
    s.editTemplate('src/app.ts', (t) => replaceFirstLine(t, '// template: first line'))
    s.editService('src/app.ts', (t) => replaceFirstLine(t, '// user: first line'))
    const report = await s.regen()
    expect(report.outcome).toBe('conflicts')
    expect(byPath(report, 'src/app.ts')?.action).toBe('conflict')
    const text = s.read('src/app.ts') ?? ''
    expect(text).toMatch(
      /^<<<<<<< yours\n\/\/ user: first line\n\|\|\|\|\|\|\| base\n[^\n]*\n=======\n\/\/ template: first line\n>>>>>>> template\n/,
    )
  })

  it('the user deleted a file: it stays deleted, and is reported, every time', async () => {
    const s = await createScenario()
    s.editTemplate('src/server.ts', (t) => appendLine(t, '// template: improved'))
    rmSync(join(s.dir, 'src/server.ts'))
    const report = await s.regen()
    expect(byPath(report, 'src/server.ts')?.action).toBe('deleted-by-user')
    expect(s.read('src/server.ts')).toBeUndefined()
    expect(byPath(await s.regen(), 'src/server.ts')?.action).toBe('deleted-by-user')
    expect(s.read('src/server.ts')).toBeUndefined()
  })

  it("the template renames a file: the renames map carries the user's edits to the new path", async () => {
    const s = await createScenario()
    const templateDir = join(s.templatesRoot, 'service')
    renameSync(join(templateDir, 'test/config.test.ts'), join(templateDir, 'test/config-schema.test.ts'))
    const definition = JSON.parse(readFileSync(join(s.templatesRoot, 'service.json'), 'utf8'))
    definition.renames = { 'test/config.test.ts': 'test/config-schema.test.ts' }
    writeFileSync(join(s.templatesRoot, 'service.json'), JSON.stringify(definition))
    s.editService('test/config.test.ts', (t) => prependLine(t, '// user: my edit'))
    const report = await s.regen()
    expect(byPath(report, 'test/config-schema.test.ts')).toMatchObject({ from: 'test/config.test.ts' })
    expect(s.read('test/config.test.ts')).toBeUndefined()
    expect(s.read('test/config-schema.test.ts')).toMatch(/^\/\/ user: my edit\n/)
    expect((await s.regen()).outcome).toBe('current')
  })

  it('package.json gains a dependency on both sides: the structured merge keeps both', async () => {
    const s = await createScenario()
    const addDependency = (name: string) => (text: string) => {
      const pkg = JSON.parse(text)
      pkg.dependencies[name] = '1.0.0'
      return `${JSON.stringify(pkg, null, 2)}\n`
    }
    s.editTemplate('package.json', addDependency('from-template'))
    s.editService('package.json', addDependency('from-user'))
    const report = await s.regen()
    expect(byPath(report, 'package.json')?.action).toBe('merged')
    const pkg = JSON.parse(s.read('package.json') ?? '')
    expect(pkg.dependencies).toMatchObject({ 'from-template': '1.0.0', 'from-user': '1.0.0' })
    expect(pkg.name).toBe('billing')
  })

  it('docker-compose.yml: the user adds a service, the template changes another; comments survive', async () => {
    const s = await createScenario()
    s.editTemplate('docker-compose.yml', (t) => t.replace(/retries: 10/, 'retries: 12'))
    s.editService('docker-compose.yml', (t) =>
      t.replace('services:\n', 'services:\n  mailhog:\n    image: mailhog # user: mail\n'),
    )
    const report = await s.regen()
    expect(byPath(report, 'docker-compose.yml')?.action).toBe('merged')
    const text = s.read('docker-compose.yml') ?? ''
    expect(text).toContain('image: mailhog # user: mail')
    expect(text).toContain('retries: 12')
    expect(text).toContain('# Every image is pinned by its multi-architecture index digest.')
  })

  it('.env.example: a variable added on each side keeps both', async () => {
    const s = await createScenario()
    s.editTemplate('.env.example', (t) => appendLine(t, '\n# From the template.\nTEMPLATE_VAR=1'))
    s.editService('.env.example', (t) => appendLine(t, '\n# Mine.\nUSER_VAR=2'))
    const report = await s.regen()
    expect(byPath(report, '.env.example')?.action).toBe('merged')
    expect(s.read('.env.example')).toMatch(/USER_VAR=2/)
    expect(s.read('.env.example')).toMatch(/TEMPLATE_VAR=1/)
  })

  it('seeded files are never touched; managed files conflict on a hand edit unless --force', async () => {
    const s = await createScenario()
    s.editTemplate('README.md', (t) => appendLine(t, 'template: more docs'))
    s.editTemplate('tsconfig.json', (t) => t.replace('{', '{\n  "compileOnSave": false,'))
    s.editService('tsconfig.json', (t) => prependLine(t, '// user'))
    const readme = s.read('README.md')
    const first = await s.regen()
    expect(byPath(first, 'README.md')?.action).toBe('kept')
    expect(s.read('README.md')).toBe(readme)
    expect(byPath(first, 'tsconfig.json')?.action).toBe('conflict')
    expect(s.read('tsconfig.json')).toMatch(/^\/\/ user/)
    expect(byPath(await s.regen(), 'tsconfig.json')?.action).toBe('conflict')
    const forced = await s.regen({ force: true })
    expect(byPath(forced, 'tsconfig.json')?.action).toBe('overwritten')
    expect(s.read('tsconfig.json')).toContain('"compileOnSave": false')
  })

  it('a new migration in the template while the user added their own: both present, nothing existing modified', async () => {
    const s = await createScenario()
    const journal = JSON.parse(s.read('drizzle/meta/_journal.json') ?? '')
    const first = journal.entries[0]
    const addEntry = (tag: string, when: number) => (text: string) => {
      const value = JSON.parse(text)
      value.entries.push({ ...first, idx: value.entries.length, tag, when })
      return JSON.stringify(value, null, 2)
    }
    writeFileSync(
      join(s.templatesRoot, 'service/drizzle/0001_template_index.sql'),
      'CREATE INDEX t ON x (y);\n',
    )
    s.editTemplate('drizzle/meta/_journal.json', addEntry('0001_template_index', first.when + 2000))
    s.write('drizzle/0001_user_table.sql', 'CREATE TABLE mine (id int);\n')
    s.editService('drizzle/meta/_journal.json', addEntry('0001_user_table', first.when + 1000))
    const init = s.read('drizzle/0000_init.sql')
    const report = await s.regen()
    expect(report.outcome).toBe('updated')
    expect(s.read('drizzle/0001_template_index.sql')).toBe('CREATE INDEX t ON x (y);\n')
    expect(s.read('drizzle/0001_user_table.sql')).toBe('CREATE TABLE mine (id int);\n')
    expect(s.read('drizzle/0000_init.sql')).toBe(init)
    const merged = JSON.parse(s.read('drizzle/meta/_journal.json') ?? '')
    expect(merged.entries.map((e: { tag: string; idx: number }) => `${e.idx}:${e.tag}`)).toEqual([
      `0:${first.tag}`,
      '1:0001_user_table',
      '2:0001_template_index',
    ])
  })

  it("a template migration older than the user's newest is a conflict: drizzle would skip it", async () => {
    const s = await createScenario()
    const first = JSON.parse(s.read('drizzle/meta/_journal.json') ?? '').entries[0]
    const addEntry = (tag: string, when: number) => (text: string) => {
      const value = JSON.parse(text)
      value.entries.push({ ...first, idx: 1, tag, when })
      return JSON.stringify(value, null, 2)
    }
    s.editTemplate('drizzle/meta/_journal.json', addEntry('0001_template', first.when + 1000))
    s.editService('drizzle/meta/_journal.json', addEntry('0001_user', first.when + 2000))
    const journal = s.read('drizzle/meta/_journal.json')
    const report = await s.regen()
    expect(report.outcome).toBe('conflicts')
    expect(byPath(report, 'drizzle/meta/_journal.json')?.note).toMatch(/older than your newest/)
    expect(s.read('drizzle/meta/_journal.json')).toBe(journal)
  })

  it('is idempotent: after a clean regen the second changes nothing and the drift check is clean', async () => {
    const s = await createScenario()
    s.editTemplate('src/app.ts', (t) => appendLine(t, '// template: improved'))
    s.editService('src/server.ts', (t) => appendLine(t, '// user: mine'))
    expect((await s.regen()).outcome).toBe('updated')
    const after = s.snapshot()
    const second = await s.regen()
    expect(second.outcome).toBe('current')
    expect(second.writes).toEqual([])
    expect(s.snapshot()).toEqual(after)
  })

  it('regen on an unchanged template is the identity, whatever the user edited', async () => {
    const s = await createScenario()
    s.editService('src/app.ts', (t) => prependLine(t, '// user'))
    s.editService('package.json', (t) => t.replace('"private": true', '"private": false'))
    const before = s.snapshot()
    const report = await s.regen()
    expect(report.outcome).toBe('current')
    expect(s.snapshot()).toEqual(before)
  })

  it('a fresh service has not drifted by the drift check after a regen either', async () => {
    const s = await createScenario()
    s.editTemplate('src/app.ts', (t) => appendLine(t, '// template: improved'))
    await s.regen()
    const drift = await checkDrift(s.dir, { inWorkspace: false }, s.templatesRoot)
    expect(drift).toEqual({ templateChanged: [], editedByService: [], missing: [], manifestStale: false })
  })
})
