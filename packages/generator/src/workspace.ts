import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { GeneratorError } from './errors.ts'
import { manifestPath, type ServiceManifest } from './manifest.ts'

export type Workspace = {
  root: string
  /** True in the shipshape monorepo itself: services link the building blocks with `workspace:*`. */
  hasBuildingBlocks: boolean
}

export type ExistingService = { name: string; dir: string; port: number | undefined }

/** The nearest folder with a pnpm-workspace.yaml: services go to its apps/ folder. */
export function findWorkspace(from: string): Workspace {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) {
      return { root: dir, hasBuildingBlocks: isShipshapeMonorepo(dir) }
    }
    if (dirname(dir) === dir) break
  }
  throw new GeneratorError(
    'SHIPSHAPE_NO_WORKSPACE',
    `No pnpm-workspace.yaml in ${from} or above: run shipshape inside a pnpm workspace (create one with "pnpm init" and a pnpm-workspace.yaml listing apps/*).`,
  )
}

/** The monorepo holds the building blocks' sources; any other workspace installs them from a registry. */
function isShipshapeMonorepo(root: string): boolean {
  const file = join(root, 'packages', 'server', 'package.json')
  return (
    existsSync(file) &&
    (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === '@shipshape/server'
  )
}

export function listServices(workspace: Workspace): ExistingService[] {
  const appsDir = join(workspace.root, 'apps')
  if (!existsSync(appsDir)) return []
  return readdirSync(appsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const dir = join(appsDir, entry.name)
      return { name: entry.name, dir, port: readPort(dir) }
    })
}

function readPort(serviceDir: string): number | undefined {
  const file = join(serviceDir, manifestPath)
  if (!existsSync(file)) return undefined
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as ServiceManifest
  return manifest.answers.port
}
