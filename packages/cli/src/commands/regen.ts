import { regenService } from '@shipshape/generator'
import { defineCommand } from 'citty'
import { assertKnownFlags } from '../check-flags.ts'
import { UsageError } from '../errors.ts'
import { printUpdate } from '../print-update.ts'

const args = {
  service: { type: 'positional', description: 'The service to update: apps/<service>', required: false },
  'dry-run': { type: 'boolean', description: 'Print the unified diff of what would change; write nothing' },
  check: {
    type: 'boolean',
    description: 'Write nothing; exit 0 when current, 20 when updates are pending, 21 on conflicts',
  },
  json: { type: 'boolean', description: 'Print the report as JSON' },
  force: { type: 'boolean', description: "Managed files: replace hand edits with the template's version" },
  'allow-dirty': { type: 'boolean', description: 'Run even when the service has uncommitted changes' },
} as const

export const regenCommand = defineCommand({
  meta: {
    name: 'regen',
    description:
      'Bring a service up to date with the templates, keeping its own edits: regen <service> [component...]',
  },
  args,
  async run({ args: parsed, rawArgs }) {
    assertKnownFlags(rawArgs, args)
    const [service, ...components] = parsed._.map(String)
    if (!service)
      throw new UsageError('Missing the service name: shipshape regen <service> [component...] [--check]')
    const report = await regenService({
      cwd: process.cwd(),
      service,
      components,
      dryRun: parsed['dry-run'] === true,
      check: parsed.check === true,
      force: parsed.force === true,
      allowDirty: parsed['allow-dirty'] === true,
    })
    return printUpdate(report, {
      json: parsed.json === true,
      check: parsed.check === true,
      dryRun: parsed['dry-run'] === true,
    })
  },
})
