import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createService, findTemplatesRoot } from '@shipshape/generator'
import { createTempWorkspace } from './run-cli.ts'

export const oldLine = '// a line the old template had'

/**
 * A service generated from an OLDER template: a copy of templates/ whose src/app.ts ends with one more line (or
 * whose `older.path` had `older.edit`). To the CLI (which renders the real templates) the template has since
 * improved by dropping it.
 */
export async function createOutdatedService(
  options: {
    fresh?: boolean
    without?: string
    older?: { path: string; edit: (text: string) => string }
  } = {},
): Promise<{ workspace: string; dir: string }> {
  const workspace = createTempWorkspace()
  const templatesRoot = join(mkdtempSync(join(tmpdir(), 'shipshape-old-templates-')), 'templates')
  cpSync(findTemplatesRoot(), templatesRoot, { recursive: true })
  const older = options.older ?? { path: 'src/app.ts', edit: (text: string) => `${text}${oldLine}\n` }
  const changed = join(templatesRoot, 'service', older.path)
  if (!options.fresh) writeFileSync(changed, older.edit(readFileSync(changed, 'utf8')))
  if (options.without) rmSync(join(templatesRoot, 'service', options.without))
  const result = await createService({
    cwd: workspace,
    input: { name: 'billing', port: 4100 },
    templatesRoot,
  })
  return { workspace, dir: result.dir }
}

/** Puts the workspace under git with everything committed, as a user's repository would be. */
export function commitAll(workspace: string): void {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...args], {
      cwd: workspace,
      stdio: 'pipe',
    })
  git('init', '--quiet')
  git('add', '.')
  git('commit', '--quiet', '-m', 'generated')
}

/** Every path under dir with a hash of its content, to prove a command changed nothing. */
export function snapshotTree(dir: string): Record<string, string> {
  const snapshot: Record<string, string> = {}
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name)
    snapshot[path] = entry.isFile() ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'dir'
  }
  return snapshot
}

export function editFile(file: string, edit: (text: string) => string): void {
  writeFileSync(file, edit(readFileSync(file, 'utf8')))
}
