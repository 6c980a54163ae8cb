import { existsSync, readdirSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { type CreateOptions, resolveOptions, usage } from './args.ts'
import { CreateError } from './errors.ts'
import { type Pins, pins } from './pins.ts'
import { renderWorkspace } from './render-workspace.ts'
import { runStep } from './run-step.ts'
import { ensureToolchain } from './toolchain.ts'

/** Runs `create-shipshape` and returns its exit code: the one place where failures become messages. */
export async function run(argv: string[], cwd = process.cwd()): Promise<number> {
  let cleanUp: (() => Promise<void>) | undefined
  // Ctrl-C reaches the child step too; the step then fails and the half-made workspace is removed below.
  const ignoreInterrupt = () => {}
  process.on('SIGINT', ignoreInterrupt)
  try {
    const options = await resolveOptions(argv, cwd)
    if (options === 'help') {
      console.log(usage)
      return 0
    }
    cleanUp = await claimTarget(options.target)
    await create(options, pins, cwd)
    cleanUp = undefined
    return 0
  } catch (error) {
    await cleanUp?.()
    const written = cleanUp ? ' Nothing was left behind.' : ''
    if (error instanceof CreateError) {
      const sentence = error.message.endsWith('.') ? error.message : `${error.message}.`
      console.error(`create-shipshape: ${sentence}${error.exitCode === 1 ? written : ''}`)
      return error.exitCode
    }
    const reason = error instanceof Error ? error.message : String(error)
    console.error(`create-shipshape: unexpected failure (${reason}).${written}`)
    return 1
  } finally {
    process.off('SIGINT', ignoreInterrupt)
  }
}

/**
 * The steps, in order. Each either completes or throws; the caller then removes the workspace, so a person
 * is never left with a folder that looks created but does not install.
 */
async function create(options: CreateOptions, pinned: Pins, cwd: string): Promise<void> {
  const { target, name, service } = options
  const files = await renderWorkspace(target, { ...pinned, name })
  console.log(`Wrote ${files.length} files to ${relative(cwd, target) || '.'}.`)
  const toolchain = await ensureToolchain(pinned, process.env)
  // No lockfile yet: CI's default of a frozen lockfile would refuse to make one.
  await runStep('pnpm install', 'pnpm', ['install', '--no-frozen-lockfile'], {
    cwd: target,
    env: toolchain.env,
  })
  // The service comes from the CLI the install just brought, at the release this workspace pins.
  await runStep(
    `Generating apps/${service}`,
    'pnpm',
    ['exec', 'shipshape', 'new', 'service', service, '--yes'],
    {
      cwd: target,
      env: toolchain.env,
    },
  )
  if (options.git) await commitInitialTree(target, name)
  const where = relative(cwd, target) || '.'
  const setup = toolchain.installed ? ' && source tooling/scripts/bootstrap.sh' : ''
  console.log(`\nCreated ${name}: a pnpm workspace with the ${service} service in apps/${service}.`)
  console.log(`Start it:\n\n  cd ${where}${setup} && pnpm --filter ${service} dev\n`)
}

/**
 * Takes the target folder, which must not exist or be empty, and returns how to put it back as it was.
 */
async function claimTarget(target: string): Promise<() => Promise<void>> {
  if (!existsSync(target)) {
    await mkdir(target, { recursive: true })
    return () => rm(target, { recursive: true, force: true })
  }
  const present = readdirSync(target)
  if (present.length > 0) {
    throw new CreateError(
      'CREATE_NOT_EMPTY',
      `${target} already exists and is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', …' : ''}); pick a new directory name.`,
    )
  }
  return async () => {
    for (const entry of readdirSync(target)) await rm(join(target, entry), { recursive: true, force: true })
  }
}

/** A first commit, so that `shipshape regen` (which refuses uncommitted changes) works from the start. */
async function commitInitialTree(target: string, name: string): Promise<void> {
  const git = (args: string[]) =>
    runStep(`git ${args[0]}`, 'git', args, { cwd: target, env: process.env, quiet: true })
  try {
    await git(['init', '--quiet', '--initial-branch=main'])
  } catch {
    console.log('git is not available: no repository was created.')
    return
  }
  await git(['add', '--all'])
  await git(['commit', '--quiet', '--message', `Create ${name} with shipshape`]).catch(() =>
    console.log(
      'git could not commit (no user.name / user.email?): commit the tree before "shipshape regen".',
    ),
  )
}
