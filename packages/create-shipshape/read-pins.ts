import { readFile } from 'node:fs/promises'
import { parse } from 'yaml'
import type { Pins } from './src/pins.ts'

/**
 * The pins a new workspace gets, read from this repository (`.node-version`, `packageManager`, the catalog,
 * `templates/service.json`): the build bakes them in, and the tests render the template with the same ones.
 */
export async function readPins(): Promise<Pins> {
  const packageDir = new URL('./', import.meta.url)
  const repo = new URL('../../', packageDir)
  const read = async (path: string) => readFile(new URL(path, repo), 'utf8')
  const rootPackage = JSON.parse(await read('package.json'))
  const catalog = parse(await read('pnpm-workspace.yaml')).catalog
  const ownPackage = JSON.parse(await readFile(new URL('package.json', packageDir), 'utf8'))
  return {
    shipshapeVersion: ownPackage.version,
    nodeVersion: (await read('.node-version')).trim(),
    nodeEngines: rootPackage.engines.node,
    pnpmVersion: rootPackage.packageManager.replace(/^pnpm@/, ''),
    turboVersion: catalog.turbo,
    biomeVersion: catalog['@biomejs/biome'],
    postgresImage: JSON.parse(await read('templates/service.json')).images.postgres.ref,
  }
}
