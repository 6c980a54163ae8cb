import { relative } from 'node:path'
import { createService, findWorkspace, GeneratorError, type ServiceInput } from '@shipshape/generator'
import { defineCommand } from 'citty'
import { assertKnownFlags } from '../check-flags.ts'
import { UsageError } from '../errors.ts'
import { installWorkspace, restoreWorkspace, snapshotWorkspace } from '../install.ts'
import { promptForMissing } from '../prompt.ts'

const args = {
  name: {
    type: 'positional',
    description: 'Service name: the folder apps/<name> and the package name',
    required: false,
  },
  port: {
    type: 'string',
    description: 'Port the service listens on (default: the first free one from 3000)',
  },
  resource: { type: 'string', description: 'Plural name of the sample resource (default: items)' },
  'dry-run': { type: 'boolean', description: 'List what would be written and write nothing' },
  yes: {
    type: 'boolean',
    alias: 'y',
    description: 'Never prompt; use defaults for what the flags leave out',
  },
  install: {
    type: 'boolean',
    default: true,
    description: 'Run pnpm install after generating',
    negativeDescription: 'Skip pnpm install',
  },
} as const

export const newServiceCommand = defineCommand({
  meta: { name: 'service', description: 'Generate a production-ready Fastify service in apps/<name>' },
  args,
  async run({ args: parsed, rawArgs }) {
    assertKnownFlags(rawArgs, args)
    const cwd = process.cwd()
    const input = await resolveInput(
      { name: parsed.name, port: parsed.port, resource: parsed.resource },
      parsed.yes === true,
      cwd,
    )
    const started = performance.now()
    const snapshot = snapshotWorkspace(findWorkspace(cwd).root)
    const result = await createService({ cwd, input, dryRun: parsed['dry-run'] === true })
    const where = relative(cwd, result.dir) || '.'
    const settings = result.workspaceChanges.map((change) => `  ${change}`)
    if (!result.written) {
      console.log(`Would write ${result.files.length} files to ${where}:`)
      for (const file of result.files) console.log(`  ${file}`)
      if (settings.length > 0) console.log(`and add to pnpm-workspace.yaml:\n${settings.join('\n')}`)
      return
    }
    console.log(
      `Created ${where} (${result.files.length} files, ${Math.round(performance.now() - started)} ms).`,
    )
    if (settings.length > 0) console.log(`Added to pnpm-workspace.yaml:\n${settings.join('\n')}`)
    if (parsed.install) {
      // A service that cannot install is not created: the workspace goes back to how it was.
      await installWorkspace(result.workspace.root).catch(async (error: GeneratorError) => {
        await restoreWorkspace(snapshot, result.dir)
        throw new GeneratorError(
          error.code,
          `${error.message}: ${where} was removed and the workspace restored; fix the cause and run the command again.`,
        )
      })
    }
    console.log(`Next: pnpm --filter ${result.answers.name} dev   # http://127.0.0.1:${result.answers.port}`)
  },
})

async function resolveInput(input: Partial<ServiceInput>, yes: boolean, cwd: string): Promise<ServiceInput> {
  if (input.name !== undefined && (yes || !process.stdin.isTTY)) return { ...input, name: input.name }
  if (yes || !process.stdin.isTTY) {
    throw new UsageError(
      'Missing the service name: shipshape new service <name> [--port N] [--resource <plural>]',
    )
  }
  return promptForMissing(input, cwd)
}
