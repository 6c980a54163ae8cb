import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GeneratorError } from './errors.ts'

export type TextMerge = { content: string; conflicts: number }

/**
 * A 3-way line merge by `git merge-file --diff3`: the algorithm (and the conflict markers, with the base
 * section) every git user already resolves daily. `conflicts` is the number of conflicting hunks.
 */
export async function mergeText(base: string, ours: string, theirs: string): Promise<TextMerge> {
  const dir = await mkdtemp(join(tmpdir(), 'shipshape-merge-'))
  try {
    const files = { ours: join(dir, 'ours'), base: join(dir, 'base'), theirs: join(dir, 'theirs') }
    await Promise.all([
      writeFile(files.ours, ours),
      writeFile(files.base, base),
      writeFile(files.theirs, theirs),
    ])
    const labels = ['-L', 'yours', '-L', 'base', '-L', 'template']
    return await runMergeFile([
      'merge-file',
      '-p',
      '--diff3',
      ...labels,
      files.ours,
      files.base,
      files.theirs,
    ])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function runMergeFile(args: string[]): Promise<TextMerge> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      // git merge-file exits with the number of conflicts (0-127); anything else is a real failure.
      const code = error ? (error as { code?: unknown }).code : 0
      if (typeof code === 'number' && code >= 0 && code < 128)
        return resolve({ content: stdout, conflicts: code })
      const reason = typeof code === 'string' && code === 'ENOENT' ? 'git is not installed' : stderr.trim()
      reject(
        new GeneratorError('SHIPSHAPE_GIT_FAILED', `Merging with git merge-file failed: ${reason}.`, {
          cause: error,
        }),
      )
    })
  })
}
