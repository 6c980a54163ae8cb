import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { appendLine, createScenario } from '../test/scenario.ts'
import { addComponent } from './add-component.ts'
import { listComponents } from './list-components.ts'
import { createService } from './new-service.ts'

describe('shipshape add and list, through the generator API', () => {
  it('refuses an unknown component and one the service already has', async () => {
    const s = await createScenario({ components: ['base', 'env', 'git'] })
    const add = (component: string) =>
      addComponent({
        cwd: s.workspace,
        service: 'billing',
        component,
        templatesRoot: s.templatesRoot,
        allowDirty: true,
      })
    await expect(add('nope')).rejects.toMatchObject({ code: 'SHIPSHAPE_UNKNOWN_COMPONENT' })
    await expect(add('base')).rejects.toMatchObject({ code: 'SHIPSHAPE_COMPONENT_PRESENT' })
  })

  it("adds just that component's files, records it, and keeps a file the service already had", async () => {
    const s = await createScenario({ components: ['base', 'env', 'git'] })
    expect(s.read('Dockerfile')).toBeUndefined()
    writeFileSync(join(s.dir, 'otel-collector.yaml'), 'mine: true\n')
    const list = () =>
      listComponents({ cwd: s.workspace, service: 'billing', templatesRoot: s.templatesRoot })
    expect((await list()).components.find((c) => c.name === 'docker')?.state).toBe('absent')
    const report = await addComponent({
      cwd: s.workspace,
      service: 'billing',
      component: 'docker',
      templatesRoot: s.templatesRoot,
      allowDirty: true,
    })
    expect(report.components).toEqual(['docker'])
    expect(s.read('Dockerfile')).toContain('FROM')
    expect(s.read('drizzle.config.ts')).toBeUndefined()
    expect(report.files.find((f) => f.path === 'otel-collector.yaml')?.action).toBe('conflict')
    expect(s.read('otel-collector.yaml')).toBe('mine: true\n')
    const manifest = JSON.parse(s.read('.shipshape/manifest.json') ?? '')
    expect(Object.keys(manifest.components)).toEqual(['base', 'env', 'docker', 'git'])
    expect(manifest.components.docker.files.Dockerfile.class).toBe('managed')
  })

  it('list tells current, modified, behind and both apart', async () => {
    const s = await createScenario()
    s.editService('src/app.ts', (t) => appendLine(t, '// user'))
    s.editTemplate('.env.example', (t) => appendLine(t, 'NEW=1'))
    s.editService('Dockerfile', (t) => appendLine(t, '# user'))
    s.editTemplate('Dockerfile', (t) => appendLine(t, '# template'))
    const status = await listComponents({
      cwd: s.workspace,
      service: 'billing',
      templatesRoot: s.templatesRoot,
    })
    const states = Object.fromEntries(status.components.map((c) => [c.name, c.state]))
    expect(states).toEqual({
      base: 'modified',
      database: 'current',
      env: 'behind',
      docker: 'behind, modified',
      deploy: 'current',
      git: 'current',
    })
    expect(status.components.find((c) => c.name === 'base')?.modified).toEqual(['src/app.ts'])
  })
})

describe("a component's entries in shared files", () => {
  const dbEntries = ['db:generate', 'db:migrate']
  const add = (s: Awaited<ReturnType<typeof createScenario>>, component: string) =>
    addComponent({
      cwd: s.workspace,
      service: 'billing',
      component,
      templatesRoot: s.templatesRoot,
      allowDirty: true,
    })

  it('a service generated without database has no db scripts nor drizzle-kit, and records no such entries', async () => {
    const s = await createScenario({ components: ['base', 'env', 'git'] })
    const pkg = JSON.parse(s.read('package.json') ?? '')
    for (const script of dbEntries) expect(pkg.scripts).not.toHaveProperty(script)
    expect(pkg.devDependencies).not.toHaveProperty('drizzle-kit')
    expect(pkg.scripts).toHaveProperty('build')
    expect(s.read('.shipshape/base/package.json')).toBe(s.read('package.json'))
    const before = s.snapshot()
    expect((await s.regen()).outcome).toBe('current')
    expect(s.snapshot()).toEqual(before)
  })

  it('add database merges its entries into package.json, keeps the user script, changes nothing else', async () => {
    const s = await createScenario({ components: ['base', 'env', 'git'] })
    s.editService('package.json', (t) => {
      const pkg = JSON.parse(t)
      pkg.scripts.mine = 'echo mine'
      return `${JSON.stringify(pkg, null, 2)}\n`
    })
    const before = JSON.parse(s.read('package.json') ?? '')
    const status = await listComponents({
      cwd: s.workspace,
      service: 'billing',
      templatesRoot: s.templatesRoot,
    })
    expect(status.components.find((c) => c.name === 'database')?.entries).toContain(
      'package.json: scripts.db:migrate',
    )
    expect(status.components.find((c) => c.name === 'base')?.state).toBe('modified')
    const report = await add(s, 'database')
    expect(report.files.find((f) => f.path === 'package.json')?.action).toBe('merged')
    const after = JSON.parse(s.read('package.json') ?? '')
    for (const script of dbEntries) expect(after.scripts[script]).toEqual(expect.any(String))
    expect(after.devDependencies['drizzle-kit']).toEqual(expect.any(String))
    const { 'db:generate': _g, 'db:migrate': _m, ...otherScripts } = after.scripts
    const { 'drizzle-kit': _k, ...otherDev } = after.devDependencies
    expect({ ...after, scripts: otherScripts, devDependencies: otherDev }).toEqual(before)
    expect(Object.keys(after.scripts).indexOf('db:generate')).toBe(
      Object.keys(after.scripts).indexOf('start') + 1,
    )
    const manifest = JSON.parse(s.read('.shipshape/manifest.json') ?? '')
    expect(manifest.components.database.entries['package.json']).toContain('scripts.db:generate')
    expect(manifest.components.base.files['package.json']).toBeDefined()
    const again = s.snapshot()
    expect((await s.regen()).outcome).toBe('current')
    expect(s.snapshot()).toEqual(again)
  })

  it('a full service records the entries and matches the template render', async () => {
    const s = await createScenario()
    const manifest = JSON.parse(s.read('.shipshape/manifest.json') ?? '')
    expect(Object.keys(manifest.components.database)).toEqual(['version', 'entries', 'files'])
    expect(manifest.components.base.entries).toBeUndefined()
    expect(JSON.parse(s.read('package.json') ?? '').scripts['db:migrate']).toEqual(expect.any(String))
  })

  it('refuses an entry the template does not render', async () => {
    const s = await createScenario()
    const definitionPath = join(s.templatesRoot, 'service.json')
    const definition = JSON.parse(readFileSync(definitionPath, 'utf8'))
    definition.components[1].entries['package.json'].push('scripts.nope')
    writeFileSync(definitionPath, JSON.stringify(definition))
    const workspace = s.workspace
    await expect(
      createService({
        cwd: workspace,
        input: { name: 'other', port: 4200, resource: 'things' },
        templatesRoot: s.templatesRoot,
        components: ['base'],
      }),
    ).rejects.toMatchObject({ code: 'SHIPSHAPE_TEMPLATE_INVALID' })
  })
})
