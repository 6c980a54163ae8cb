import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkDrift } from './drift.ts'
import { manifestPath, type ServiceManifest } from './manifest.ts'
import { regenService } from './regen.ts'
import { findTemplatesRoot } from './template.ts'

const workspaceRoot = join(findTemplatesRoot(), '..')
const appsDir = join(workspaceRoot, 'apps')
const services = readdirSync(appsDir).filter(
  (name) => existsSync(join(appsDir, name, manifestPath)) && name !== 'demo',
)

/** Each recorded file's ownership class, as the service's manifest holds it. */
function readClasses(serviceDir: string): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(serviceDir, manifestPath), 'utf8')) as ServiceManifest
  const classes = new Map<string, string>()
  for (const component of Object.values(manifest.components)) {
    for (const [path, file] of Object.entries(component.files)) classes.set(path, file.class)
  }
  return classes
}

// A service in apps/ is generator output plus its own code, as a user's service is: its seeded files
// (routes, README) are its own, and merged, structured and append-only files (schema, tests, package.json,
// migrations) carry its edits beside the template's lines. What must hold is what a user relies on: the
// merge base is today's template, the files the generator owns (managed) are exactly what it renders, and a
// regeneration has nothing to do and nothing to conflict on.
describe('services in apps/ are what the templates generate, plus their own code', () => {
  it('there is a reference service', () => {
    expect(services).toContain('bookings')
  })

  it.each(services)('apps/%s has not drifted from the templates', async (name) => {
    const dir = join(appsDir, name)
    const report = await checkDrift(dir, { inWorkspace: true })
    expect(report.templateChanged, 'the template changed: regenerate the service').toEqual([])
    expect(report.missing).toEqual([])
    expect(report.manifestStale).toBe(false)
    const classes = readClasses(dir)
    const editedManaged = report.editedByService.filter((path) => classes.get(path) === 'managed')
    expect(editedManaged, 'managed files belong to the template: change it there and regen').toEqual([])
  })

  // The same check as `pnpm shipshape regen <name> --check` (exit 0 only for `current`): nothing pending,
  // no conflict between the service's edits and the template.
  it.each(services)('regen --check of apps/%s is current', async (name) => {
    const report = await regenService({ cwd: workspaceRoot, service: name, check: true })
    const unsettled = report.files.filter((file) => file.action !== 'unchanged' && file.action !== 'kept')
    expect(unsettled.map((file) => `${file.path}: ${file.action}`)).toEqual([])
    expect(report.outcome).toBe('current')
  })
})
