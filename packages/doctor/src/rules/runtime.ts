import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import semver from 'semver'
import { LineCounter, parseDocument } from 'yaml'
import type { Project } from '../_project.ts'
import type { Location, Problem } from '../types.ts'
import { lineOf, listDockerfiles, nodeVersionOf } from './_dockerfiles.ts'
import { defineRule } from './_rule.ts'

interface PinnedRuntime extends Location {
  version: string
  source: string
}

/** `.node-version` (or `.nvmrc`) of the service, else of its workspace root: the runtime everything should agree on. */
function readPinnedRuntime(project: Project): PinnedRuntime | undefined {
  for (const name of ['.node-version', '.nvmrc']) {
    const local = project.read(name)
    const text = local ?? project.readFromWorkspace(name)
    const version = semver.valid(semver.coerce(text?.trim() ?? ''))
    if (text !== undefined && version) {
      const file = local !== undefined ? name : project.relativeFromRoot(join(project.workspaceRoot, name))
      return { version, source: file, file, line: 1 }
    }
  }
  return undefined
}

interface Workflow {
  jobs?: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>
}

/** `node-version:` of every `actions/setup-node` step in the workflows of the service and its workspace. */
function readCiNodeVersions(project: Project): (Location & { version: string })[] {
  const found: (Location & { version: string })[] = []
  for (const root of new Set([project.root, project.workspaceRoot])) {
    const dir = join(root, '.github/workflows')
    let names: string[]
    try {
      names = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name))
    } catch {
      continue
    }
    for (const name of names) {
      const lineCounter = new LineCounter()
      const document = parseDocument(readFileSync(join(dir, name), 'utf8'), { lineCounter })
      const workflow = (document.toJS() ?? {}) as Workflow
      for (const [job, { steps = [] }] of Object.entries(workflow.jobs ?? {})) {
        steps.forEach((step, index) => {
          const version = step?.with?.['node-version']
          if (!step?.uses?.startsWith('actions/setup-node') || version === undefined) return
          const node = document.getIn(['jobs', job, 'steps', index, 'with', 'node-version'], true) as {
            range?: number[]
          }
          const line = node?.range?.[0] === undefined ? 1 : lineCounter.linePos(node.range[0]).line
          found.push({ file: project.relativeFromRoot(join(dir, name)), line, version: String(version) })
        })
      }
    }
  }
  return found
}

const sameMajor = (a: string, b: string) =>
  semver.major(semver.coerce(a) ?? '0.0.0') === semver.major(semver.coerce(b) ?? '0.0.0')

export const runtimeMismatch = defineRule({
  id: 'runtime-mismatch',
  severity: 'error',
  title: 'Node versions disagree',
  why: 'Code tested on one Node and run on another breaks in production on the difference (a missing API, another default).',
  fix: 'Pin one version in `.node-version` and make `engines.node`, the Dockerfile base image and CI (`node-version-file: .node-version`) follow it.',
  check(project) {
    const pinned = readPinnedRuntime(project)
    const engines = project.packageJson?.engines?.node
    const problems: Problem[] = []
    const runtime =
      pinned?.version ??
      listDockerfiles(project)
        .flatMap(({ dockerfile }) => dockerfile.getFROMs().map(nodeVersionOf))
        .find(Boolean)
    if (!runtime) return []
    const source = pinned?.source ?? 'the Dockerfile'
    if (
      engines &&
      semver.validRange(engines) &&
      !semver.satisfies(semver.coerce(runtime) ?? runtime, engines)
    ) {
      problems.push({
        ...project.locateInPackageJson('engines'),
        message: `engines.node "${engines}" rejects Node ${runtime} (${source}).`,
      })
    }
    for (const { path, dockerfile } of listDockerfiles(project)) {
      for (const from of dockerfile.getFROMs()) {
        const version = nodeVersionOf(from)
        const agrees =
          version &&
          (version.split('.').length === 3 && pinned
            ? version === pinned.version
            : sameMajor(version, runtime))
        if (version && !agrees)
          problems.push({
            file: path,
            line: lineOf(from),
            message: `The image runs Node ${version}; ${source} pins ${runtime}.`,
          })
      }
    }
    for (const ci of readCiNodeVersions(project)) {
      if (!sameMajor(ci.version, runtime))
        problems.push({ ...ci, message: `CI sets up Node ${ci.version}; ${source} pins ${runtime}.` })
    }
    return problems
  },
})

export const dependencyEngines = defineRule({
  id: 'dependency-engines',
  severity: 'error',
  title: 'A dependency rejects the pinned Node',
  why: 'A dependency that needs a newer Node works on a laptop and fails on the image (accidental stability).',
  fix: 'Upgrade the runtime everywhere (`.node-version`, engines, image, CI) or pin a release of the dependency that supports it.',
  check(project) {
    const pinned =
      readPinnedRuntime(project)?.version ??
      listDockerfiles(project)
        .flatMap(({ dockerfile }) => dockerfile.getFROMs().map(nodeVersionOf))
        .find(Boolean)
    const runtime = semver.coerce(pinned ?? '')
    if (!runtime) return []
    const problems: Problem[] = []
    for (const name of Object.keys(project.dependencies)) {
      let engines: string | undefined
      try {
        engines = (
          JSON.parse(readFileSync(join(project.root, 'node_modules', name, 'package.json'), 'utf8')) as {
            engines?: { node?: string }
          }
        ).engines?.node
      } catch {
        continue
      }
      if (engines && semver.validRange(engines) && !semver.satisfies(runtime, engines)) {
        problems.push({
          ...project.locateInPackageJson(name),
          message: `${name} requires Node ${engines}; the service runs ${runtime.version}.`,
        })
      }
    }
    return problems
  },
})
