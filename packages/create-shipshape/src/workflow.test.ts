import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { type RenderedTemplate, renderTemplate } from '../test/render-template.ts'
import type { Pins } from './pins.ts'

// The CI workflow a new workspace gets, as written (the template rendered with this repository's pins).
type Step = { name?: string; uses?: string; run?: string; with?: Record<string, unknown> }
type Job = {
  permissions?: unknown
  'timeout-minutes'?: number
  services?: Record<string, { image: string }>
  steps: Step[]
}
type Workflow = { permissions?: unknown; concurrency?: Record<string, unknown>; jobs: Record<string, Job> }

let rendered: RenderedTemplate
let pins: Pins
let text: string
let workflow: Workflow
let scripts: Record<string, string>

beforeAll(async () => {
  rendered = await renderTemplate()
  pins = rendered.pins
  text = readFileSync(join(rendered.dir, '.github/workflows/ci.yml'), 'utf8')
  workflow = parse(text)
  scripts = JSON.parse(readFileSync(join(rendered.dir, 'package.json'), 'utf8')).scripts
})

afterAll(() => rendered?.remove())

/** Errors GitHub's own workflow parser (the schema github.com and its editor use) finds in a workflow. */
async function validate(content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name: 'ci.yml', content }, new NoOperationTraceWriter())
  const errors = parsed.context.errors.getErrors().map(String)
  if (parsed.value === undefined) return errors
  const template = await convertWorkflowTemplate(parsed.context, parsed.value)
  return [...errors, ...(template.errors ?? []).map((error) => error.Message)]
}

/** A GitHub expression as written in the workflow, `${{ … }}`. */
const expression = (inner: string) => `\${{ ${inner} }}`
const allSteps = () => Object.values(workflow.jobs).flatMap((job) => job.steps)
const runs = () => allSteps().flatMap((step) => (step.run ? [step.run] : []))

describe('the workspace CI workflow', () => {
  it("is valid against GitHub's workflow schema", async () => {
    expect(await validate(text)).toEqual([])
  })

  it('is checked by a validator that does reject a broken workflow', async () => {
    const broken = text
      .replace('runs-on: ubuntu-24.04', 'runs_on: ubuntu-24.04')
      .replace('timeout-minutes: 20', 'timeout-minutes: soon')
    const errors = await validate(broken)
    expect(errors.join('\n')).toMatch(/runs_on/)
    expect(errors.join('\n')).toMatch(/soon|timeout-minutes/)
  })

  it('runs every action at a full commit SHA, its release named in a comment', () => {
    const lines = text.split('\n').filter((line) => /^\s*(- )?uses:/.test(line))
    expect(lines.length).toBeGreaterThanOrEqual(4)
    for (const line of lines) {
      expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/)
    }
    for (const step of allSteps().filter((step) => step.uses)) {
      expect(step.uses).toMatch(/@[0-9a-f]{40}$/)
    }
  })

  it("is described in the package README: each action's release and commit", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const pinned = [...text.matchAll(/uses: ([\w.-]+\/[\w./-]+)@([0-9a-f]{40}) # (v[\d.]+)/g)]
    for (const [, action, sha, release] of pinned) {
      expect(readme).toMatch(new RegExp(`\\| \`${action}\`\\s+\\| ${release}\\s+\\| \`${sha}\` \\|`))
    }
  })

  it('runs PostgreSQL from the image the service template pins, by digest', () => {
    const image = workflow.jobs.check?.services?.postgres?.image
    expect(image).toBe(pins.postgresImage)
    expect(image).toMatch(/^postgres:[\w.-]+@sha256:[0-9a-f]{64}$/)
  })

  it('gives the job token read access to the code and nothing else, and every job a time limit', () => {
    expect(workflow.permissions).toEqual({})
    for (const [name, job] of Object.entries(workflow.jobs)) {
      expect(job.permissions, name).toEqual({ contents: 'read' })
      expect(job['timeout-minutes'], name).toBeGreaterThan(0)
      for (const checkout of job.steps.filter((step) => step.uses?.startsWith('actions/checkout@'))) {
        expect(checkout.with?.['persist-credentials'], name).toBe(false)
      }
    }
    expect(workflow.concurrency?.['cancel-in-progress']).toBe(
      expression("github.event_name == 'pull_request'"),
    )
  })

  it('installs from the lockfile, lints, typechecks, builds, tests, checks regen and doctor, audits', () => {
    const commands = runs().join('\n')
    expect(commands).toContain('pnpm install --frozen-lockfile')
    expect(commands).toMatch(/^pnpm lint$/m)
    expect(commands).toContain('pnpm turbo run typecheck build test')
    expect(commands).toMatch(/pnpm shipshape regen "\$\(basename "\$dir"\)" --check/)
    expect(commands).toMatch(/pnpm shipshape doctor "apps\/\$\(basename "\$dir"\)"/)
    expect(commands).toContain('pnpm audit --audit-level high')
    expect(commands).toContain('pnpm audit signatures')
    expect(commands).not.toMatch(/--no-frozen-lockfile/)
  })

  it('runs only root scripts that the workspace package.json has', () => {
    const named = runs().flatMap((run) => [...run.matchAll(/\bpnpm (?!install|turbo|audit)([\w:-]+)/g)])
    expect(named.length).toBeGreaterThan(0)
    for (const [, script] of named) expect(scripts, script).toHaveProperty(script as string)
    expect(scripts.lint).toBe('biome ci .')
  })

  it('builds each service image from the workspace root and keeps a CycloneDX SBOM of it', () => {
    const image = workflow.jobs.image
    const build = image?.steps.find((step) => step.run?.startsWith('docker build'))?.run
    // The context is the workspace root (the last argument, "."), as the service's Dockerfile expects.
    expect(build).toMatch(/^docker build --file "apps\/\$SERVICE\/Dockerfile" --tag "\$SERVICE:ci" .* \.$/)
    const sbom = image?.steps.find((step) => step.uses?.startsWith('anchore/sbom-action@'))
    expect(sbom?.with).toMatchObject({
      format: 'cyclonedx-json',
      image: `${expression('matrix.service')}:ci`,
    })
    expect(sbom?.with?.['artifact-name']).toMatch(/\.cdx\.json$/)
  })

  it('asks the pinned pnpm for audit commands it has (pnpm audit --audit-level, pnpm audit signatures)', () => {
    const version = execFileSync('pnpm', ['--version'], { encoding: 'utf8' }).trim()
    expect(version).toBe(pins.pnpmVersion)
    const help = execFileSync('pnpm', ['audit', '--help'], { encoding: 'utf8' })
    expect(help).toMatch(/--audit-level <AUDIT_LEVEL>/)
    expect(help).toMatch(/`signatures`/)
  })
})
