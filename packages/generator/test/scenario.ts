import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createService } from '../src/new-service.ts'
import { regenService } from '../src/regen.ts'
import { findTemplatesRoot } from '../src/template.ts'

/** A generated service in a temp workspace, plus a private copy of templates/ that a test may "improve". */
export type Scenario = {
  workspace: string
  dir: string
  templatesRoot: string
  read(path: string): string | undefined
  write(path: string, content: string): void
  editTemplate(path: string, edit: (text: string) => string): void
  editService(path: string, edit: (text: string) => string): void
  regen(options?: {
    components?: string[]
    force?: boolean
    check?: boolean
    dryRun?: boolean
  }): ReturnType<typeof regenService>
  snapshot(): Record<string, string>
}

export async function createScenario(options: { components?: string[] } = {}): Promise<Scenario> {
  const root = mkdtempSync(join(tmpdir(), 'shipshape-scenario-'))
  const templatesRoot = join(root, 'templates')
  cpSync(findTemplatesRoot(), templatesRoot, { recursive: true })
  const workspace = join(root, 'ws')
  mkdirSync(workspace)
  writeFileSync(join(workspace, 'pnpm-workspace.yaml'), 'packages:\n  - apps/*\n')
  const input = { name: 'billing', port: 4100, resource: 'invoices' }
  const result = await createService({ cwd: workspace, input, templatesRoot, ...options })
  const dir = result.dir
  const templateDir = join(templatesRoot, 'service')
  const read = (path: string) =>
    existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : undefined
  const write = (path: string, content: string) => writeFileSync(join(dir, path), content)
  return {
    workspace,
    dir,
    templatesRoot,
    read,
    write,
    editTemplate: (path, edit) =>
      writeFileSync(join(templateDir, path), edit(readFileSync(join(templateDir, path), 'utf8'))),
    editService: (path, edit) => write(path, edit(read(path) ?? '')),
    regen: (extra = {}) =>
      regenService({ cwd: workspace, service: 'billing', templatesRoot, allowDirty: true, ...extra }),
    snapshot: () => snapshotTree(dir),
  }
}

/** Every file under dir with a hash of its content: equal snapshots mean an untouched tree. */
export function snapshotTree(dir: string): Record<string, string> {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true })
  const snapshot: Record<string, string> = {}
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name).slice(dir.length + 1)
    snapshot[path] = entry.isFile()
      ? createHash('sha256')
          .update(readFileSync(join(dir, path)))
          .digest('hex')
      : 'dir'
  }
  return snapshot
}

export function appendLine(text: string, line: string): string {
  return `${text.replace(/\n$/, '')}\n${line}\n`
}

export function prependLine(text: string, line: string): string {
  return `${line}\n${text}`
}

export function replaceFirstLine(text: string, line: string): string {
  return text.replace(/^[^\n]*/, line)
}
