import { readFileSync } from 'node:fs'
import { join, matchesGlob } from 'node:path'
import { isMap, isScalar, isSeq, parseDocument } from 'yaml'
import { GeneratorError } from './errors.ts'
import { getCatalogVersion, requiredBuilds } from './versions.ts'

export type WorkspaceSettingsPlan = {
  file: string
  /** The new pnpm-workspace.yaml, or undefined when the workspace already has everything. */
  content: string | undefined
  /** One line per addition, for the user: what was written into their workspace and why. */
  changes: string[]
}

type ServicePackage = { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }

/**
 * What a pnpm workspace needs before a service can install in it: `apps/*` among its packages, a catalog
 * entry for every `catalog:` dependency of the service, and `allowBuilds` for the install scripts in the
 * service's tree. Only additions: an entry the workspace already has is the team's choice and is kept.
 * Comments and layout survive (the file is edited as a YAML document, not re-serialised from data).
 */
export function planWorkspaceSettings(
  root: string,
  servicePath: string,
  service: ServicePackage,
): WorkspaceSettingsPlan {
  const file = join(root, 'pnpm-workspace.yaml')
  const document = parseDocument(readFileSync(file, 'utf8'))
  if (document.errors.length > 0 || (document.contents !== null && !isMap(document.contents))) {
    throw new GeneratorError(
      'SHIPSHAPE_WORKSPACE_INVALID',
      `${file} is not a YAML mapping (${document.errors[0]?.message ?? 'unexpected top level'}); fix it, then run shipshape again.`,
    )
  }
  const changes: string[] = []

  const packages = document.get('packages')
  const globs = isSeq(packages) ? packages.items.map(String) : []
  if (!globs.some((glob) => matchesGlob(servicePath, glob))) {
    document.addIn(['packages'], 'apps/*')
    changes.push('packages: apps/* (so the service is part of the workspace)')
  }

  for (const [name, specifier] of listDependencies(service)) {
    if (specifier !== 'catalog:' || document.hasIn(['catalog', name])) continue
    const version = getCatalogVersion(name)
    if (version === undefined) {
      throw new GeneratorError(
        'SHIPSHAPE_TEMPLATE_INVALID',
        `The service template uses "${name}": "catalog:" but shipshape knows no version for it.`,
      )
    }
    document.setIn(['catalog', name], version)
    changes.push(`catalog: ${name} ${version}`)
  }

  for (const [name, allowed] of Object.entries(requiredBuilds)) {
    if (document.hasIn(['allowBuilds', name])) continue
    document.setIn(['allowBuilds', name], allowed)
    changes.push(`allowBuilds: ${name}: ${allowed}`)
  }

  return { file, content: changes.length > 0 ? document.toString() : undefined, changes }
}

function listDependencies(service: ServicePackage): [string, string][] {
  return [...Object.entries(service.dependencies ?? {}), ...Object.entries(service.devDependencies ?? {})]
}

export type CatalogUpgradePlan = WorkspaceSettingsPlan & {
  /** The `@shipshape/*` versions the catalog names now (usually one). */
  current: string[]
  /** The catalog's `@shipshape/cli` version, if it names one. */
  cli: string | undefined
}

/**
 * Moves every `@shipshape/*` entry of the workspace catalog to `version`: they are released together, so a
 * workspace takes them together. A workspace without such entries does not take shipshape from a registry.
 */
export function planCatalogUpgrade(root: string, version: string): CatalogUpgradePlan {
  const file = join(root, 'pnpm-workspace.yaml')
  const document = parseDocument(readFileSync(file, 'utf8'))
  const catalog = document.get('catalog')
  const names = isMap(catalog)
    ? catalog.items.map((item) => String(isScalar(item.key) ? item.key.value : item.key))
    : []
  const ours = names.filter((name) => name.startsWith('@shipshape/'))
  if (ours.length === 0) {
    throw new GeneratorError(
      'SHIPSHAPE_NOT_SHIPSHAPE_WORKSPACE',
      `${file} has no @shipshape/* catalog entry, so this workspace does not take shipshape as a dependency: nothing to upgrade (create one with "npm create shipshape", or add a service with "shipshape new service").`,
    )
  }
  const current = [...new Set(ours.map((name) => String(document.getIn(['catalog', name]))))]
  const changes: string[] = []
  for (const name of ours) {
    const from = String(document.getIn(['catalog', name]))
    if (from === version) continue
    document.setIn(['catalog', name], version)
    changes.push(`catalog: ${name} ${from} -> ${version}`)
  }
  const cli = document.getIn(['catalog', '@shipshape/cli'])
  return {
    file,
    content: changes.length > 0 ? document.toString() : undefined,
    changes,
    current,
    cli: cli === undefined ? undefined : String(cli),
  }
}
