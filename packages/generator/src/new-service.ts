import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultPort, type ServiceAnswers, type ServiceInput, validateAnswers } from './answers.ts'
import { GeneratorError } from './errors.ts'
import { classifyFiles, finishRender } from './finish-render.ts'
import {
  createManifest,
  manifestPath,
  type RenderedFile,
  type ServiceManifest,
  writeManifest,
} from './manifest.ts'
import { renderTemplate } from './render.ts'
import { getComponentOf, type LoadedTemplate, loadTemplate } from './template.ts'
import { type ExistingService, findWorkspace, listServices, type Workspace } from './workspace.ts'
import { planWorkspaceSettings, type WorkspaceSettingsPlan } from './workspace-settings.ts'
import { removeEmptyParents } from './write-files.ts'

export type NewServiceOptions = {
  /** Where the command runs; the workspace is found from here upwards. */
  cwd: string
  input: ServiceInput
  /** Render and report, but write nothing at all. */
  dryRun?: boolean
  templatesRoot?: string
  /** Generate only these components (default: all); `shipshape add` adds the others later. */
  components?: string[]
}

export type NewServiceResult = {
  answers: ServiceAnswers
  workspace: Workspace
  dir: string
  files: string[]
  manifest: ServiceManifest
  written: boolean
  /** What was added to pnpm-workspace.yaml so the service installs (catalog, allowBuilds, packages). */
  workspaceChanges: string[]
}

/**
 * Generates apps/<name>. Atomic: everything is rendered into a staging folder beside the target and moved
 * into place with one rename, so a failure at any step leaves the workspace exactly as it was.
 */
export async function createService(options: NewServiceOptions): Promise<NewServiceResult> {
  const workspace = findWorkspace(options.cwd)
  const existing = listServices(workspace)
  const answers = validateAnswers({ ...options.input, port: options.input.port ?? getFreePort(existing) })
  const dir = join(workspace.root, 'apps', answers.name)
  assertNewService(dir, answers)
  assertPortFree(existing, answers)
  const template = loadTemplate('service', options.templatesRoot)

  const stagingParent = options.dryRun ? tmpdir() : join(workspace.root, 'apps')
  const createdParent = !existsSync(stagingParent)
  await mkdir(stagingParent, { recursive: true })
  let written = false
  // mkdir, not mkdtemp: mkdtemp makes the folder 0700, and the rename would keep that mode for the service.
  const staging = join(stagingParent, `.shipshape-${answers.name}-${randomBytes(6).toString('hex')}`)
  await mkdir(staging)
  try {
    const rendered = await renderTemplate(template, answers, staging, {
      inWorkspace: workspace.hasBuildingBlocks,
    })
    const componentNames = selectComponents(template, options.components)
    const selected = rendered.filter((file) => componentNames.includes(getComponentOf(template, file.path)))
    await removeUnselected(staging, rendered, selected)
    const files = await finishIn(staging, template, selected, componentNames)
    const manifest = createManifest(template, answers, files, componentNames)
    const paths = [...files.map((f) => f.path), manifestPath].sort()
    const settings = planWorkspaceSettings(
      workspace.root,
      `apps/${answers.name}`,
      JSON.parse(await readFile(join(staging, 'package.json'), 'utf8')),
    )
    const result = { answers, workspace, dir, files: paths, manifest, workspaceChanges: settings.changes }
    if (options.dryRun) return { ...result, written: false }
    await writeManifest(staging, manifest, files)
    assertNewService(dir, answers)
    await moveIntoPlace(staging, dir, settings)
    written = true
    return { ...result, written }
  } finally {
    await rm(staging, { recursive: true, force: true })
    if (createdParent && !written) await rm(stagingParent, { recursive: true, force: true })
  }
}

/** The service folder and the workspace settings it needs land together, or neither does. */
async function moveIntoPlace(staging: string, dir: string, settings: WorkspaceSettingsPlan) {
  if (settings.content === undefined) return rename(staging, dir)
  const before = await readFile(settings.file, 'utf8')
  await writeFile(`${settings.file}.shipshape-tmp`, settings.content)
  await rename(`${settings.file}.shipshape-tmp`, settings.file)
  try {
    await rename(staging, dir)
  } catch (error) {
    await writeFile(settings.file, before)
    throw error
  }
}

function assertNewService(dir: string, answers: ServiceAnswers): void {
  if (existsSync(dir)) {
    throw new GeneratorError(
      'SHIPSHAPE_SERVICE_EXISTS',
      `apps/${answers.name} already exists. Pick another name, or use "shipshape regen ${answers.name}" to update it.`,
    )
  }
}

function assertPortFree(existing: ExistingService[], answers: ServiceAnswers): void {
  const owner = existing.find((service) => service.port === answers.port)
  if (owner) {
    throw new GeneratorError(
      'SHIPSHAPE_PORT_TAKEN',
      `Port ${answers.port} is already used by apps/${owner.name}; pass another --port (next free: ${getFreePort(existing)}).`,
    )
  }
}

/** The lowest port from the default up that no service in the workspace uses. */
export function getFreePort(existing: ExistingService[]): number {
  const taken = new Set(existing.map((service) => service.port))
  let port = defaultPort
  while (taken.has(port)) port += 1
  return port
}

function selectComponents(template: LoadedTemplate, wanted: string[] | undefined): string[] {
  const all = template.components.map((component) => component.name)
  if (wanted === undefined) return all
  const unknown = wanted.filter((name) => !all.includes(name))
  if (unknown.length > 0) {
    throw new GeneratorError(
      'SHIPSHAPE_UNKNOWN_COMPONENT',
      `Unknown component ${unknown.join(', ')}: the ${template.name} template has ${all.join(', ')}.`,
    )
  }
  return all.filter((name) => wanted.includes(name))
}

/** The selected files as the service gets them (see finishRender), rewritten in staging where they change. */
async function finishIn(
  staging: string,
  template: LoadedTemplate,
  files: RenderedFile[],
  present: string[],
): Promise<RenderedFile[]> {
  const finished = await finishRender(template, classifyFiles(template, files), present)
  for (const [index, file] of finished.entries()) {
    if (file.content !== files[index]?.content) await writeFile(join(staging, file.path), file.content)
  }
  return finished.map(({ path, content }) => ({ path, content }))
}

async function removeUnselected(staging: string, rendered: RenderedFile[], kept: RenderedFile[]) {
  const dropped = rendered.filter((file) => !kept.includes(file))
  for (const file of dropped) {
    await rm(join(staging, file.path))
    await removeEmptyParents(staging, file.path)
  }
}
