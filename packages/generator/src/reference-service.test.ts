import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkDrift } from './drift.ts'
import { manifestPath } from './manifest.ts'
import { findTemplatesRoot } from './template.ts'

const appsDir = join(findTemplatesRoot(), '..', 'apps')
const services = readdirSync(appsDir).filter(
  (name) => existsSync(join(appsDir, name, manifestPath)) && name !== 'demo',
)

describe('services in apps/ are what the templates generate', () => {
  it('there is a reference service', () => {
    expect(services).toContain('bookings')
  })

  it.each(services)('apps/%s has not drifted from the templates', async (name) => {
    const report = await checkDrift(join(appsDir, name), { inWorkspace: true })
    expect(report.templateChanged, 'the template changed: regenerate the service').toEqual([])
    expect(report.missing).toEqual([])
    expect(report.manifestStale).toBe(false)
    expect(report.editedByService, 'the reference service carries no hand edits yet').toEqual([])
  })
})
