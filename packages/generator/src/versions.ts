import { readFileSync } from 'node:fs'

/**
 * The version of every `@shipshape/*` package: they are released together (one changesets `fixed` group), so
 * the generator's own version is theirs.
 */
export const shipshapeVersion = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version

/**
 * The third-party versions a service is generated with, written into a workspace's catalog when it lacks
 * them. Inside the monorepo the catalog is the one source of truth; a test keeps this table equal to it.
 */
export const pinnedVersions = {
  '@electric-sql/pglite': '0.5.16',
  '@node-rs/argon2': '2.2.1',
  '@types/node': '24.19.2',
  'drizzle-kit': '0.31.11',
  'drizzle-orm': '0.45.4',
  'openapi-fetch': '0.17.0',
  pg: '8.23.1',
  typebox: '1.4.3',
  typescript: '7.0.2',
  vitest: '5.1.1',
} as const

/**
 * The packages in a service's tree that ship install scripts. pnpm refuses to install a tree with an
 * unapproved one, so a workspace gets these `allowBuilds` entries; a test keeps them equal to the monorepo's.
 * esbuild (drizzle-kit) must run its script to place its binary; protobufjs's only prints a notice.
 */
export const requiredBuilds = { esbuild: true, protobufjs: false } as const

/** The pnpm the Dockerfile installs; a test keeps it equal to the workspace's `packageManager`. */
export const pnpmVersion = '12.21.0'

/** The version a `catalog:` dependency of a service gets in a workspace catalog that lacks it. */
export function getCatalogVersion(name: string): string | undefined {
  if (name.startsWith('@shipshape/')) return shipshapeVersion
  return (pinnedVersions as Record<string, string>)[name]
}
