import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { appendLine, createScenario } from './_test-scenario.ts'
import { addComponent } from './add-component.ts'
import { listComponents } from './list-components.ts'

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
      git: 'current',
    })
    expect(status.components.find((c) => c.name === 'base')?.modified).toEqual(['src/app.ts'])
  })
})
