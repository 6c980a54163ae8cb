import { listComponents } from '@shipshape/generator'
import { defineCommand } from 'citty'
import { assertKnownFlags } from '../check-flags.ts'
import { UsageError } from '../errors.ts'

const args = {
  service: { type: 'positional', description: 'The service: apps/<service>', required: false },
  json: { type: 'boolean', description: 'Print the components as JSON' },
} as const

export const listCommand = defineCommand({
  meta: {
    name: 'list',
    description: 'Show each component of a service, its template version and whether it is current',
  },
  args,
  async run({ args: parsed, rawArgs }) {
    assertKnownFlags(rawArgs, args)
    if (!parsed.service) throw new UsageError('Missing the service name: shipshape list <service>')
    const status = await listComponents({ cwd: process.cwd(), service: parsed.service })
    if (parsed.json) {
      console.log(JSON.stringify(status, null, 2))
      return 0
    }
    for (const component of status.components) {
      const version = component.version ?? '-'
      console.log(
        `${component.name.padEnd(10)} ${version.padEnd(9)} ${component.state.padEnd(17)} ${component.description}`,
      )
      for (const path of component.modified) console.log(`  modified  ${path}`)
      for (const path of component.behind) console.log(`  behind    ${path}`)
      for (const entry of component.entries) console.log(`  owns      ${entry}`)
    }
    return 0
  },
})
