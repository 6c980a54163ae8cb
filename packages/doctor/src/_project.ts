import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { parseSync } from 'oxc-parser'
import type { Location } from './types.ts'

/** Folders that hold no code of the service's own. */
const skippedDirs = new Set([
  'node_modules',
  'dist',
  'build',
  'coverage',
  '.git',
  '.shipshape',
  '.data',
  '.turbo',
  '.vitest',
])
const codeExtensions = /\.(?:[cm]?ts|[cm]?js|tsx|jsx)$/
const largestFile = 1_000_000

export interface SourceFile {
  path: string
  text: string
  /** ESTree program from oxc-parser; undefined when the file does not parse. */
  program: AstNode | undefined
}

/** An ESTree node as oxc-parser returns it: `start`/`end` are offsets into the text. */
export interface AstNode {
  type: string
  start: number
  end: number
  [key: string]: unknown
}

export interface PackageJson {
  name?: string
  engines?: { node?: string }
  scripts?: Record<string, string>
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
}

/** The audited directory: its files, read and parsed once, shared by every rule. */
export class Project {
  readonly root: string
  /** The workspace (or repository) root above the service, where `.node-version` and CI usually live. */
  readonly workspaceRoot: string
  readonly files: string[]
  private readonly texts = new Map<string, string | undefined>()
  private readonly parsed = new Map<string, SourceFile>()
  private readonly lineStarts = new Map<string, number[]>()

  constructor(root: string, workspaceRoot?: string) {
    this.root = resolve(root)
    this.workspaceRoot = workspaceRoot ? resolve(workspaceRoot) : findWorkspaceRoot(this.root)
    this.files = listFiles(this.root)
  }

  read(path: string): string | undefined {
    if (!this.texts.has(path)) {
      const full = join(this.root, path)
      let text: string | undefined
      try {
        text = statSync(full).size <= largestFile ? readFileSync(full, 'utf8') : undefined
      } catch {
        text = undefined
      }
      this.texts.set(path, text)
    }
    return this.texts.get(path)
  }

  exists(path: string): boolean {
    return existsSync(join(this.root, path))
  }

  get packageJson(): PackageJson | undefined {
    const text = this.read('package.json')
    if (text === undefined) return undefined
    try {
      return JSON.parse(text) as PackageJson
    } catch {
      return undefined
    }
  }

  /** Every direct dependency, runtime and development. */
  get dependencies(): Record<string, string> {
    const manifest = this.packageJson
    return { ...manifest?.devDependencies, ...manifest?.dependencies }
  }

  hasDependency(name: string): boolean {
    return name in this.dependencies
  }

  /** Whether the service is built on shipshape's building blocks (conventions then apply). */
  get isShipshape(): boolean {
    return this.hasDependency('@shipshape/server')
  }

  codeFiles(): SourceFile[] {
    return this.files
      .filter((file) => codeExtensions.test(file) && !file.endsWith('.d.ts'))
      .map((file) => this.parse(file))
  }

  /** The service's own code, without its tests and tool configuration. */
  sourceFiles(): SourceFile[] {
    return this.codeFiles().filter((file) => !isTestFile(file.path) && !isToolConfig(file.path))
  }

  testFiles(): SourceFile[] {
    return this.codeFiles().filter((file) => isTestFile(file.path))
  }

  parse(path: string): SourceFile {
    let file = this.parsed.get(path)
    if (!file) {
      const text = this.read(path) ?? ''
      let program: AstNode | undefined
      try {
        const result = parseSync(path, text)
        program = result.errors.some((error) => error.severity === 'Error')
          ? undefined
          : (result.program as unknown as AstNode)
      } catch {
        program = undefined
      }
      file = { path, text, program }
      this.parsed.set(path, file)
    }
    return file
  }

  /** 1-based line and column of an offset in a file's text. */
  locate(path: string, offset: number): Location {
    let starts = this.lineStarts.get(path)
    if (!starts) {
      starts = [0]
      const text = this.read(path) ?? ''
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1)
      this.lineStarts.set(path, starts)
    }
    let low = 0
    let high = starts.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if ((starts[mid] ?? 0) <= offset) low = mid
      else high = mid - 1
    }
    return { file: path, line: low + 1, column: offset - (starts[low] ?? 0) + 1 }
  }

  /** The line of a JSON key in package.json (for findings about scripts, engines or dependencies). */
  locateInPackageJson(key: string): Location {
    const text = this.read('package.json') ?? ''
    const index = text.indexOf(`"${key}"`)
    return index < 0 ? { file: 'package.json', line: 1 } : this.locate('package.json', index)
  }

  /** Whether git ignores a path (false outside a git repository, where nothing ignores anything). */
  isGitIgnored(path: string): boolean {
    const result = spawnSync('git', ['check-ignore', '-q', path], { cwd: this.root, stdio: 'ignore' })
    return result.status === 0
  }

  /** A file of the workspace root above the service (read-only, outside the audited tree). */
  readFromWorkspace(path: string): string | undefined {
    try {
      return readFileSync(join(this.workspaceRoot, path), 'utf8')
    } catch {
      return undefined
    }
  }

  /** A path relative to the audited directory, for a file found outside it. */
  relativeFromRoot(absolute: string): string {
    return relative(this.root, absolute).split(sep).join('/')
  }
}

function listFiles(root: string): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    let entries: import('node:fs').Dirent[]
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (!skippedDirs.has(entry.name)) walk(join(dir, entry.name))
      } else if (entry.isFile()) {
        out.push(relative(root, join(dir, entry.name)).split(sep).join('/'))
      }
    }
  }
  walk(root)
  return out.sort()
}

function findWorkspaceRoot(start: string): string {
  let dir = start
  for (;;) {
    if (['pnpm-workspace.yaml', '.git'].some((marker) => existsSync(join(dir, marker)))) return dir
    const parent = dirname(dir)
    if (parent === dir) return start
    dir = parent
  }
}

/** Folders of tests and what only tests use (helpers, fixtures, mocks). */
const testDirs = new Set(['test', 'tests', '__tests__', 'testing', 'fixtures', '__fixtures__', '__mocks__'])

export function isTestFile(path: string): boolean {
  const name = basename(path)
  return (
    /\.(?:test|spec)\.[cm]?[jt]sx?$/.test(name) ||
    name.startsWith('_test-') ||
    path
      .split('/')
      .slice(0, -1)
      .some((part) => testDirs.has(part))
  )
}

function isToolConfig(path: string): boolean {
  return !path.includes('/') && /\.config\.[cm]?[jt]s$/.test(path)
}
