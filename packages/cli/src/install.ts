import { existsSync, readFileSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { GeneratorError } from '@shipshape/generator'
import { runPnpm } from './pnpm.ts'

/** What a generation and its install may change in a workspace, as it was before: restored on failure. */
export type WorkspaceSnapshot = { files: Map<string, string | undefined>; apps: string; hadApps: boolean }

export function snapshotWorkspace(root: string): WorkspaceSnapshot {
  const files = ['pnpm-workspace.yaml', 'pnpm-lock.yaml'].map((name) => join(root, name))
  return {
    files: new Map(files.map((file) => [file, existsSync(file) ? readFileSync(file, 'utf8') : undefined])),
    apps: join(root, 'apps'),
    hadApps: existsSync(join(root, 'apps')),
  }
}

/** Puts the snapshot's files back and removes the service the failed step created. */
export async function restoreWorkspace(snapshot: WorkspaceSnapshot, serviceDir?: string) {
  if (serviceDir !== undefined) {
    await rm(snapshot.hadApps ? serviceDir : snapshot.apps, { recursive: true, force: true })
  }
  for (const [file, content] of snapshot.files) {
    if (content === undefined) await rm(file, { force: true })
    else await writeFile(file, content)
  }
}

/**
 * Links a new service into the workspace; offline first, since the lockfile usually has every package. The
 * lockfile must change (a new importer), so CI's default of a frozen lockfile is lifted for this one install.
 * pnpm's own output, on the terminal, says why it failed; the error says that it did.
 */
export async function installWorkspace(root: string): Promise<void> {
  const run = await runPnpm(root, ['install', '--prefer-offline', '--no-frozen-lockfile'])
  if (run.code !== 0) {
    throw new GeneratorError('SHIPSHAPE_INSTALL_FAILED', `pnpm install failed (${run.outcome})`)
  }
}
