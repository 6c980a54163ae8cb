import { type Dockerfile, DockerfileParser, type From, type Instruction } from 'dockerfile-ast'
import type { Project } from '../_project.ts'

export interface ParsedDockerfile {
  path: string
  dockerfile: Dockerfile
  /** The instructions of each stage, FROM first. */
  stages: Instruction[][]
}

export function isDockerfile(path: string): boolean {
  const name = path.split('/').at(-1) ?? ''
  return (
    (name === 'Dockerfile' || name.startsWith('Dockerfile.') || name.endsWith('.Dockerfile')) &&
    !name.endsWith('.dockerignore')
  )
}

export function listDockerfiles(project: Project): ParsedDockerfile[] {
  return project.files.filter(isDockerfile).map((path) => {
    const dockerfile = DockerfileParser.parse(project.read(path) ?? '')
    const stages: Instruction[][] = []
    for (const instruction of dockerfile.getInstructions()) {
      if (instruction.getKeyword() === 'FROM') stages.push([])
      stages.at(-1)?.push(instruction)
    }
    return { path, dockerfile, stages }
  })
}

/** 1-based line of an instruction. */
export function lineOf(instruction: Instruction): number {
  return instruction.getRange().start.line + 1
}

/** The node.js major a FROM names (`node:24.21.0-slim` → '24.21.0'), or undefined. */
export function nodeVersionOf(from: From): string | undefined {
  const image = from.getImageName()
  const tag = from.getImageTag()
  if (!image || !tag || !/(?:^|\/)node$/.test(image)) return undefined
  return /^\d+(?:\.\d+){0,2}/.exec(tag)?.[0]
}

/** The words of a RUN's shell command, split into commands at `&&`, `||`, `;` and `|`. */
export function commandsOf(instruction: Instruction): string[][] {
  const commands: string[][] = [[]]
  for (const argument of instruction.getArguments()) {
    const word = argument.getValue()
    if (['&&', '||', ';', '|'].includes(word)) commands.push([])
    else commands.at(-1)?.push(word.replace(/;$/, ''))
  }
  return commands.filter((words) => words.length > 0)
}

const valueFlags = new Set([
  '--filter',
  '-F',
  '--dir',
  '-C',
  '--prefix',
  '--workspace',
  '-w',
  '--registry',
  '--cache',
  '--store-dir',
])

/** What a command does to dependencies: a lockfile install ('install'), a fetch from the lockfile, or nothing. */
export function dependencyStep(
  words: string[],
): { kind: 'install' | 'fetch'; frozen: boolean; tool: string } | undefined {
  const [tool, verb, ...rest] = words
  const flags = rest.filter((word) => word.startsWith('-'))
  // A flag's value (`--filter api...`) is not a package name.
  const packages = rest.filter(
    (word, index) => !word.startsWith('-') && !valueFlags.has(rest[index - 1] ?? ''),
  )
  if (tool === 'npm' && verb === 'ci') return { kind: 'install', frozen: true, tool: 'npm ci' }
  if (
    tool === 'npm' &&
    (verb === 'install' || verb === 'i') &&
    packages.length === 0 &&
    !flags.includes('--global') &&
    !flags.includes('-g')
  ) {
    return { kind: 'install', frozen: false, tool: 'npm install' }
  }
  if (tool === 'pnpm' && verb === 'fetch') return { kind: 'fetch', frozen: true, tool: 'pnpm fetch' }
  if (tool === 'pnpm' && (verb === 'install' || verb === 'i') && packages.length === 0) {
    return { kind: 'install', frozen: flags.includes('--frozen-lockfile'), tool: 'pnpm install' }
  }
  if (tool === 'yarn' && (verb === 'install' || verb === undefined)) {
    return {
      kind: 'install',
      frozen: flags.includes('--frozen-lockfile') || flags.includes('--immutable'),
      tool: 'yarn install',
    }
  }
  return undefined
}
