import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { rename, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import {
  assertCommitted,
  type CatalogUpgradePlan,
  type ExistingService,
  findWorkspace,
  GeneratorError,
  listServices,
  outcomeExitCodes,
  planCatalogUpgrade,
} from '@shipshape/generator'
import { defineCommand } from 'citty'
import { assertKnownFlags } from '../check-flags.ts'
import { UsageError } from '../errors.ts'
import { installWorkspace, restoreWorkspace, snapshotWorkspace } from '../install.ts'
import { getLatestVersion, runShipshapeAt } from '../shipshape-at.ts'

const args = {
  to: { type: 'string', description: 'The release to move to (default: the newest on the registry)' },
  'dry-run': {
    type: 'boolean',
    description: 'Print the catalog changes and each service diff; write nothing',
  },
  check: {
    type: 'boolean',
    description:
      'Write nothing; exit 0 when current, 20 when an upgrade is pending, 21 when it would conflict',
  },
  'allow-dirty': { type: 'boolean', description: 'Run even with uncommitted changes' },
} as const

export const upgradeCommand = defineCommand({
  meta: {
    name: 'upgrade',
    description: 'Move the workspace to a newer shipshape: the catalog first, then a regen of every service',
  },
  args,
  async run({ args: parsed, rawArgs }) {
    assertKnownFlags(rawArgs, args)
    const workspace = findWorkspace(process.cwd())
    if (workspace.hasBuildingBlocks) {
      throw new GeneratorError(
        'SHIPSHAPE_NOT_SHIPSHAPE_WORKSPACE',
        'This is the shipshape repository: its services link the building blocks from source. Use "shipshape regen <service>".',
      )
    }
    const target = parsed.to ?? (await getLatestVersion(workspace.root))
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(target))
      throw new UsageError(`--to takes a version like 1.4.0 (got "${target}").`)
    const plan = planCatalogUpgrade(workspace.root, target)
    const services = listServices(workspace).filter((service) => service.port !== undefined)
    const from = plan.current.join(', ')
    const installed = getInstalledCli(workspace.root, plan)
    const regen = (service: ExistingService, flags: string[]) =>
      runShipshapeAt(workspace.root, target, installed, ['regen', service.name, ...flags])

    if (parsed.check || parsed['dry-run']) {
      console.log(
        plan.changes.length > 0
          ? `shipshape ${from} -> ${target}:\n  ${plan.changes.join('\n  ')}`
          : `The catalog is at shipshape ${target}.`,
      )
      let worst: number =
        plan.changes.length > 0 && parsed.check ? outcomeExitCodes.pending : outcomeExitCodes.current
      for (const service of services) {
        const code = await regen(service, [parsed.check ? '--check' : '--dry-run'])
        if (![0, outcomeExitCodes.pending, outcomeExitCodes.conflicts].includes(code)) return code
        worst = Math.max(worst, code)
      }
      return parsed.check ? worst : outcomeExitCodes.current
    }

    if (!parsed['allow-dirty']) await assertCommitted(workspace.root, workspace.root)
    const snapshot = snapshotWorkspace(workspace.root)
    if (plan.content !== undefined) {
      await writeFile(`${plan.file}.shipshape-tmp`, plan.content)
      await rename(`${plan.file}.shipshape-tmp`, plan.file)
      console.log(`shipshape ${from} -> ${target}:\n  ${plan.changes.join('\n  ')}`)
      await installWorkspace(workspace.root).catch(async (error: GeneratorError) => {
        await restoreWorkspace(snapshot)
        throw new GeneratorError(
          error.code,
          `${error.message}: the catalog and lockfile were put back; nothing changed.`,
        )
      })
    }
    // The tree now differs from git by the catalog and lockfile only, and each regen is atomic on its own;
    // should one fail, the services already regenerated go back to HEAD with the catalog (the tree was clean).
    let worst: number = outcomeExitCodes.current
    const done: ExistingService[] = []
    for (const service of services) {
      const code = await runShipshapeAt(workspace.root, target, target, [
        'regen',
        service.name,
        '--allow-dirty',
      ])
      if (code !== 0 && code !== outcomeExitCodes.conflicts) {
        const where = relative(process.cwd(), service.dir) || '.'
        if (parsed['allow-dirty']) {
          throw new GeneratorError(
            'SHIPSHAPE_WRITE_FAILED',
            `regen of ${where} failed (exit ${code}); with --allow-dirty nothing was rolled back: the catalog is at ${target}.`,
          )
        }
        await restoreWorkspace(snapshot)
        await restoreFromHead(
          workspace.root,
          done.map((doneService) => doneService.dir),
        )
        throw new GeneratorError(
          'SHIPSHAPE_WRITE_FAILED',
          `regen of ${where} failed (exit ${code}): the catalog, the lockfile and every service were put back as committed; run "pnpm install" to match them.`,
        )
      }
      done.push(service)
      worst = Math.max(worst, code)
    }
    console.log(
      `The workspace is at shipshape ${target}${worst === 0 ? '.' : ', with conflicts to resolve (see above).'}`,
    )
    return worst
  },
})

/** The CLI release the workspace has installed, if its root depends on the CLI at all. */
function getInstalledCli(root: string, plan: CatalogUpgradePlan): string | undefined {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>
    devDependencies?: Record<string, string>
  }
  const declared = { ...manifest.dependencies, ...manifest.devDependencies }['@shipshape/cli']
  return declared === undefined ? undefined : plan.cli
}

function restoreFromHead(root: string, dirs: string[]): Promise<void> {
  if (dirs.length === 0) return Promise.resolve()
  return new Promise((resolve, reject) => {
    execFile('git', ['checkout', 'HEAD', '--', ...dirs], { cwd: root }, (error) => {
      if (error) return reject(error)
      execFile('git', ['clean', '-fdq', '--', ...dirs], { cwd: root }, (cleanError) =>
        cleanError ? reject(cleanError) : resolve(),
      )
    })
  })
}
