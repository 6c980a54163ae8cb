import { GeneratorError } from '@shipshape/generator'
import { defineCommand, runCommand, showUsage } from 'citty'
import { newServiceCommand } from './commands/new-service.ts'
import { UsageError } from './errors.ts'

const newCommand = defineCommand({
  meta: { name: 'new', description: 'Generate something new' },
  subCommands: { service: newServiceCommand },
})

export const mainCommand = defineCommand({
  meta: { name: 'shipshape', description: 'Generate production-ready Fastify services' },
  subCommands: { new: newCommand },
})

/** Runs the CLI and returns its exit code: the one place where errors become messages. */
export async function run(rawArgs: string[]): Promise<number> {
  if (rawArgs.length === 0 || rawArgs.includes('--help') || rawArgs.includes('-h')) {
    await showHelp(rawArgs)
    return rawArgs.length === 0 ? 2 : 0
  }
  try {
    await runCommand(mainCommand, { rawArgs })
    return 0
  } catch (error) {
    if (error instanceof GeneratorError || error instanceof UsageError) {
      console.error(`shipshape: ${error.message}`)
      return error.exitCode
    }
    if (error instanceof Error && /Unknown command/i.test(error.message)) {
      console.error(`shipshape: ${error.message}. Try "shipshape --help".`)
      return 2
    }
    console.error('shipshape: unexpected failure; nothing was left half-written.', error)
    return 1
  }
}

function showHelp(rawArgs: string[]): Promise<void> {
  if (rawArgs[0] !== 'new') return showUsage(mainCommand)
  return rawArgs[1] === 'service' ? showUsage(newServiceCommand) : showUsage(newCommand)
}
