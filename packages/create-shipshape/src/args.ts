import { basename, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { cancel, isCancel, text } from '@clack/prompts'
import { validateName } from '@shipshape/generator/answers'
import { CreateError } from './errors.ts'

export type CreateOptions = {
  /** Absolute path of the workspace folder. */
  target: string
  name: string
  service: string
  git: boolean
}

export const usage = `Usage: npm create shipshape@latest [directory] -- [--service <name>] [--yes] [--no-git]

  directory      the new workspace folder (default: my-platform); it must not exist or be empty
  --service      the first service, in apps/<name> (default: api)
  --yes, -y      never prompt; defaults for whatever is not given
  --no-git       do not create a git repository`

const defaults = { directory: 'my-platform', service: 'api' }

/** Reads the command line, asks for what is missing on a terminal, and checks every answer. */
export async function resolveOptions(argv: string[], cwd: string): Promise<CreateOptions | 'help'> {
  const { values, positionals } = parse(argv)
  if (values.help) return 'help'
  if (positionals.length > 1) {
    throw new CreateError('CREATE_USAGE', `Expected one directory, got ${positionals.join(' ')}.`)
  }
  const interactive = values.yes !== true && process.stdin.isTTY === true && process.stdout.isTTY === true
  const directory =
    positionals[0] ??
    (interactive ? await ask('Workspace directory', defaults.directory) : defaults.directory)
  const service =
    values.service ?? (interactive ? await ask('First service', defaults.service) : defaults.service)
  const target = resolve(cwd, directory)
  return {
    target,
    name: validateWorkspaceName(basename(target)),
    service: validateServiceName(service),
    git: values['no-git'] !== true,
  }
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        service: { type: 'string' },
        yes: { type: 'boolean', short: 'y' },
        'no-git': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw new CreateError('CREATE_USAGE', `${reason} Try --help.`)
  }
}

async function ask(message: string, initial: string): Promise<string> {
  const value = await text({ message, placeholder: initial, defaultValue: initial })
  if (isCancel(value)) {
    cancel('Nothing was written.')
    throw new CreateError('CREATE_USAGE', 'Cancelled; nothing was written.')
  }
  return value || initial
}

// The workspace's folder name is also its root package name: npm's rules for a new package name.
const workspaceNamePattern = /^[a-z0-9][a-z0-9._-]{0,213}$/

function validateWorkspaceName(name: string): string {
  if (!workspaceNamePattern.test(name) || name === 'node_modules' || name === 'favicon.ico') {
    throw new CreateError(
      'CREATE_INVALID_NAME',
      `"${name}" cannot name a workspace: use lowercase letters, digits, dots, dashes and underscores, starting with a letter or digit.`,
    )
  }
  return name
}

function validateServiceName(name: string): string {
  try {
    return validateName(name)
  } catch (error) {
    throw new CreateError('CREATE_INVALID_NAME', (error as Error).message)
  }
}
