import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { isAbsolute, join, normalize } from 'node:path'
import { validateName } from './answers.ts'
import { GeneratorError } from './errors.ts'
import { baseDir, manifestPath, type ServiceManifest } from './manifest.ts'
import { findWorkspace, type Workspace } from './workspace.ts'

/** A generated service as it is on disk: its manifest and, per recorded file, the recorded merge base. */
export type ServiceState = {
  name: string
  dir: string
  workspace: Workspace
  manifest: ServiceManifest
  /** The manifest file as it is on disk, to tell whether rewriting it would change anything. */
  manifestText: string
  base: Map<string, string>
}

export async function readServiceState(cwd: string, name: string): Promise<ServiceState> {
  const workspace = findWorkspace(cwd)
  const dir = join(workspace.root, 'apps', validateName(name))
  if (!existsSync(join(dir, manifestPath))) {
    throw new GeneratorError(
      'SHIPSHAPE_NOT_A_SERVICE',
      `apps/${name} is not a generated service (no ${manifestPath}). Create it with "shipshape new service ${name}".`,
    )
  }
  const manifestText = await readFile(join(dir, manifestPath), 'utf8')
  const manifest = readManifest(manifestText)
  return { name, dir, workspace, manifest, manifestText, base: await readBase(dir, manifest) }
}

function readManifest(text: string): ServiceManifest {
  const manifest = parseManifest(text)
  for (const component of Object.values(manifest.components)) {
    for (const path of Object.keys(component.files)) assertInsideService(path)
  }
  return manifest
}

function parseManifest(text: string): ServiceManifest {
  try {
    const value = JSON.parse(text) as ServiceManifest
    if (value.manifestVersion === 1 && typeof value.components === 'object' && value.answers) return value
  } catch {}
  throw new GeneratorError(
    'SHIPSHAPE_MANIFEST_INVALID',
    `${manifestPath} is not a shipshape manifest (version 1); restore it from git.`,
  )
}

/** A manifest is data from the service folder: a path in it must never reach outside that folder. */
export function assertInsideService(path: string): void {
  const clean = normalize(path)
  if (isAbsolute(path) || clean !== path || clean.startsWith('..') || clean.startsWith('.shipshape')) {
    throw new GeneratorError(
      'SHIPSHAPE_MANIFEST_INVALID',
      `${manifestPath} names "${path}", which is not a path inside the service.`,
    )
  }
}

async function readBase(dir: string, manifest: ServiceManifest): Promise<Map<string, string>> {
  const base = new Map<string, string>()
  for (const component of Object.values(manifest.components)) {
    for (const path of Object.keys(component.files)) {
      base.set(path, await readBaseFile(dir, path))
    }
  }
  return base
}

async function readBaseFile(dir: string, path: string): Promise<string> {
  try {
    return await readFile(join(dir, baseDir, path), 'utf8')
  } catch (cause) {
    throw new GeneratorError(
      'SHIPSHAPE_MANIFEST_INVALID',
      `${baseDir}/${path} (the merge base of ${path}) cannot be read; restore it from git.`,
      { cause },
    )
  }
}

/** The service's own copy of a file, or undefined when it is not there. */
export async function readServiceFile(dir: string, path: string): Promise<string | undefined> {
  const file = join(dir, path)
  return existsSync(file) ? readFile(file, 'utf8') : undefined
}
