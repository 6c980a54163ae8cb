import { execFile } from 'node:child_process'
import { relative } from 'node:path'
import { GeneratorError } from './errors.ts'

/**
 * Refuses to touch a service with uncommitted changes: regen rewrites files in place, and a clean git tree
 * is what lets the user see (git diff) and undo (git checkout) exactly what it did.
 */
export async function assertCommitted(serviceDir: string, workspaceRoot: string): Promise<void> {
  const where = relative(workspaceRoot, serviceDir)
  const status = await getPorcelainStatus(serviceDir, where)
  if (status.length > 0) {
    const files = status
      .split('\n')
      .slice(0, 5)
      .map((line) => line.trim())
      .join(', ')
    throw new GeneratorError(
      'SHIPSHAPE_DIRTY_TREE',
      `${where} has uncommitted changes (${files}). Commit or stash them first, or pass --allow-dirty.`,
    )
  }
}

function getPorcelainStatus(dir: string, where: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['status', '--porcelain', '--untracked-files=all', '--', '.'],
      { cwd: dir, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout.trimEnd())
        const reason =
          (error as { code?: unknown }).code === 'ENOENT' ? 'git is not installed' : stderr.trim()
        reject(
          new GeneratorError(
            'SHIPSHAPE_NOT_IN_GIT',
            `Cannot tell whether ${where} has uncommitted changes (${reason}). Put the workspace under git, or pass --allow-dirty.`,
            { cause: error },
          ),
        )
      },
    )
  })
}
