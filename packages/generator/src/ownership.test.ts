import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createScenario } from '../test/scenario.ts'
import { manifestPath, type ServiceManifest } from './manifest.ts'
import { createService } from './new-service.ts'
import { addManagedHeader, managedHeader } from './ownership-marks.ts'
import { findTemplatesRoot, loadTemplate } from './template.ts'

const repoRoot = join(findTemplatesRoot(), '..')
const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome')
const scratch: string[] = []
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true })
})

function readClasses(dir: string): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(dir, manifestPath), 'utf8')) as ServiceManifest
  const classes = new Map<string, string>()
  for (const component of Object.values(manifest.components))
    for (const [path, file] of Object.entries(component.files)) classes.set(path, file.class)
  return classes
}

/** The README's files table, as path → owner text. */
function readFilesTable(readme: string): Map<string, string> {
  const section = readme.slice(readme.indexOf('## Files and who owns them'))
  const rows = [...section.matchAll(/^\| `([^`]+)` +\| ([^|]+?) +\|$/gm)]
  return new Map(rows.map((row) => [row[1] ?? '', row[2] ?? '']))
}

describe('a service generated under long names is Biome-clean (the generator formats what it renders)', () => {
  it('inventory-reservations, resource reservationholds: biome ci with the repository config passes', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'shipshape-long-name-'))
    scratch.push(workspace)
    writeFileSync(join(workspace, 'pnpm-workspace.yaml'), 'packages:\n  - apps/*\n')
    copyFileSync(join(repoRoot, 'biome.json'), join(workspace, 'biome.json'))
    spawnSync('git', ['init', '--quiet'], { cwd: workspace })
    const input = { name: 'inventory-reservations', resource: 'reservationholds' }
    await createService({ cwd: workspace, input })
    const result = spawnSync(process.execPath, [biome, 'ci', '--colors=off', 'apps'], {
      cwd: workspace,
      encoding: 'utf8',
    })
    expect(result.stdout + result.stderr).toMatch(/Checked [1-9]\d* files/)
    expect(result.status, result.stdout + result.stderr).toBe(0)
  })

  it("formats with the repository's style: templates/service.json's Biome config is the root biome.json's", () => {
    const root = JSON.parse(readFileSync(join(repoRoot, 'biome.json'), 'utf8'))
    const created = JSON.parse(
      readFileSync(join(repoRoot, 'packages/create-shipshape/template/biome.json'), 'utf8'),
    )
    const { biome: style } = loadTemplate('service') as { biome: typeof root }
    for (const config of [root, created]) {
      expect(style.formatter).toEqual(config.formatter)
      expect(style.javascript).toEqual(config.javascript)
    }
  })
})

describe('who owns each file is written in the service', () => {
  it('the README table lists every recorded file with its class; managed files say so in their first line', async () => {
    const s = await createScenario()
    const classes = readClasses(s.dir)
    const table = readFilesTable(s.read('README.md') ?? '')
    expect([...table.keys()].sort()).toEqual([...classes.keys()].sort())
    for (const [path, ownership] of classes) {
      const content = s.read(path) ?? ''
      const lines = content.split('\n')
      const headerLine = path === 'Dockerfile' ? lines[1] : lines[0]
      if (ownership !== 'managed') {
        expect(content, path).not.toContain(managedHeader)
        expect(table.get(path)).toContain(`(${ownership})`)
      } else if (path.endsWith('.json')) {
        expect(content, path).not.toContain(managedHeader)
        expect(table.get(path)).toBe('shipshape (managed; JSON, so no header line)')
      } else {
        expect(headerLine, path).toMatch(new RegExp(`^(//|#) ${managedHeader.replace(/[().]/g, '\\$&')}$`))
        expect(table.get(path)).toBe('shipshape (managed)')
      }
    }
    // BuildKit reads parser directives only before the first comment: the header comes after them.
    expect(s.read('Dockerfile')).toMatch(/^# syntax=docker\/dockerfile:1\n# Managed by shipshape/)
  })

  it('a service generated without some components lists only the files it has', async () => {
    const s = await createScenario({ components: ['base', 'env', 'git'] })
    const table = readFilesTable(s.read('README.md') ?? '')
    expect([...table.keys()].sort()).toEqual([...readClasses(s.dir).keys()].sort())
    expect(table.has('Dockerfile')).toBe(false)
  })

  it('a managed file in a format without known comments is refused when rendered', () => {
    expect(() => addManagedHeader('settings.toml', 'a = 1\n')).toThrow(/no known comment syntax/)
    expect(addManagedHeader('x.sql', 'select 1;\n')).toBe(`-- ${managedHeader}\nselect 1;\n`)
    expect(addManagedHeader('bin.ts', '#!/usr/bin/env node\nrun()\n')).toBe(
      `#!/usr/bin/env node\n// ${managedHeader}\nrun()\n`,
    )
  })
})

describe("regen keeps the README's files table current and leaves the rest of the README alone", () => {
  it('a file new in the template gets its row; the README text the user wrote stays', async () => {
    const s = await createScenario()
    s.editService('README.md', (t) => t.replace(/^# billing$/m, '# billing\n\nOur invoicing service.'))
    writeFileSync(join(s.templatesRoot, 'service/src/db/extra.ts'), 'export const extra = 1\n')
    const report = await s.regen()
    const readme = s.read('README.md') ?? ''
    expect(report.files.find((f) => f.path === 'README.md')).toMatchObject({
      action: 'updated',
      note: expect.stringMatching(/rewrote only its "Files and who owns them" section/),
    })
    expect(readme).toContain('Our invoicing service.')
    expect(readFilesTable(readme).get('src/db/extra.ts')).toBe('both (merged)')
    expect((await s.regen({ check: true })).outcome).toBe('current')
  })

  it('a README whose section the user deleted stays without it', async () => {
    const s = await createScenario()
    s.editService('README.md', (t) => t.replace(/\n<!-- shipshape:files start[\s\S]*$/, '\n'))
    writeFileSync(join(s.templatesRoot, 'service/src/db/extra.ts'), 'export const extra = 1\n')
    const edited = s.read('README.md')
    const report = await s.regen()
    expect(report.files.find((f) => f.path === 'README.md')?.action).toBe('kept')
    expect(s.read('README.md')).toBe(edited)
  })

  it('a service generated before the template had the section gets it appended', async () => {
    const s = await createScenario()
    const strip = (t: string) => t.replace(/\n<!-- shipshape:files start[\s\S]*$/, '\n')
    s.editService('README.md', strip)
    s.write('.shipshape/base/README.md', strip(s.read('.shipshape/base/README.md') ?? ''))
    await s.regen()
    const readme = s.read('README.md') ?? ''
    expect(readme).toMatch(/\n\n<!-- shipshape:files start[^\n]*-->\n\n## Files and who owns them\n/)
    expect(readFilesTable(readme).size).toBe(readClasses(s.dir).size)
  })
})
