import { GeneratorError } from '@shipshape/generator'
import { defineCommand, runCommand, showUsage } from 'citty'
import { addCommand } from './commands/add.ts'
import { doctorCommand } from './commands/doctor.ts'
import { listCommand } from './commands/list.ts'
import { newServiceCommand } from './commands/new-service.ts'
import { regenCommand } from './commands/regen.ts'
import { upgradeCommand } from './commands/upgrade.ts'
import { UsageError } from './errors.ts'

const newCommand = defineCommand({
  meta: { name: 'new', description: 'Generate something new' },
  subCommands: { service: newServiceCommand },
})

export const mainCommand = defineCommand({
  meta: { name: 'shipshape', description: 'Generate production-ready Fastify services' },
  subCommands: {
    new: newCommand,
    regen: regenCommand,
    add: addCommand,
    list: listCommand,
    upgrade: upgradeCommand,
    doctor: doctorCommand,
  },
})

/** Runs the CLI and returns its exit code: the one place where errors become messages. */
export async function run(rawArgs: string[]): Promise<number> {
  if (rawArgs.length === 0 || rawArgs.includes('--help') || rawArgs.includes('-h')) {
    await showHelp(rawArgs)
    return rawArgs.length === 0 ? 2 : 0
  }
  try {
    const { result } = await runTopLevel(rawArgs)
    return typeof result === 'number' ? result : 0
  } catch (error) {
    if (error instanceof GeneratorError || error instanceof UsageError) {
      console.error(`shipshape: ${error.message}`)
      return error.exitCode
    }
    if (error instanceof Error && /Unknown command/i.test(error.message)) {
      console.error(`shipshape: ${error.message}. Try "shipshape --help".`)
      return 2
    }
    // The message, never the stack: a stack trace tells the user nothing they can act on.
    const reason = error instanceof Error ? error.message : String(error)
    console.error(`shipshape: unexpected failure (${reason}); nothing was left half-written.`)
    return 1
  }
}

/**
 * A command may return its exit code: an expected outcome (updates pending, conflicts) is not an error.
 * citty drops a subcommand's return value, so the commands that return one are run directly.
 */
function runTopLevel(rawArgs: string[]): Promise<{ result: unknown }> {
  const rest = rawArgs.slice(1)
  if (rawArgs[0] === 'regen') return runCommand(regenCommand, { rawArgs: rest })
  if (rawArgs[0] === 'add') return runCommand(addCommand, { rawArgs: rest })
  if (rawArgs[0] === 'list') return runCommand(listCommand, { rawArgs: rest })
  if (rawArgs[0] === 'upgrade') return runCommand(upgradeCommand, { rawArgs: rest })
  if (rawArgs[0] === 'doctor') return runCommand(doctorCommand, { rawArgs: rest })
  return runCommand(mainCommand, { rawArgs })
}

function showHelp(rawArgs: string[]): Promise<void> {
  if (rawArgs[0] === 'regen') return showUsage(regenCommand)
  if (rawArgs[0] === 'add') return showUsage(addCommand)
  if (rawArgs[0] === 'list') return showUsage(listCommand)
  if (rawArgs[0] === 'upgrade') return showUsage(upgradeCommand)
  if (rawArgs[0] === 'doctor') return showUsage(doctorCommand)
  if (rawArgs[0] !== 'new') return showUsage(mainCommand)
  return rawArgs[1] === 'service' ? showUsage(newServiceCommand) : showUsage(newCommand)
}
