import { addComponent } from '@shipshape/generator'
import { defineCommand } from 'citty'
import { assertKnownFlags } from '../check-flags.ts'
import { UsageError } from '../errors.ts'
import { printUpdate } from '../print-update.ts'

const args = {
  component: {
    type: 'positional',
    description: 'The component to add (see shipshape list <service>)',
    required: false,
  },
  service: { type: 'positional', description: 'The service: apps/<service>', required: false },
  'dry-run': { type: 'boolean', description: 'Print the unified diff of what would change; write nothing' },
  json: { type: 'boolean', description: 'Print the report as JSON' },
  'allow-dirty': { type: 'boolean', description: 'Run even when the service has uncommitted changes' },
} as const

export const addCommand = defineCommand({
  meta: { name: 'add', description: 'Add a component a service lacks: add <component> <service>' },
  args,
  async run({ args: parsed, rawArgs }) {
    assertKnownFlags(rawArgs, args)
    const { component, service } = parsed
    if (!component || !service)
      throw new UsageError('Missing an argument: shipshape add <component> <service>')
    const report = await addComponent({
      cwd: process.cwd(),
      service,
      component,
      dryRun: parsed['dry-run'] === true,
      allowDirty: parsed['allow-dirty'] === true,
    })
    return printUpdate(report, {
      json: parsed.json === true,
      check: false,
      dryRun: parsed['dry-run'] === true,
    })
  },
})
