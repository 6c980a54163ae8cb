import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { GeneratorError } from '@shipshape/generator'

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
 * Fails with the reason pnpm gave as its last words, so the user sees why without scrolling.
 */
export function installWorkspace(root: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('pnpm', ['install', '--prefer-offline', '--no-frozen-lockfile'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'pipe'],
    })
    let errorOutput = ''
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk)
      errorOutput = (errorOutput + chunk.toString()).slice(-4000)
    })
    const fail = (reason: string) =>
      reject(new GeneratorError('SHIPSHAPE_INSTALL_FAILED', `pnpm install failed (${reason})`))
    child.on('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'ENOENT' ? 'pnpm is not on PATH' : error.message),
    )
    child.on('exit', (code, signal) => {
      if (code === 0) resolve()
      else fail(signal ? `stopped by ${signal}` : `exit ${code}`)
    })
  })
}
