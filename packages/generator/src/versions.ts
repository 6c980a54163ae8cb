import { readFileSync } from 'node:fs'

const ownVersion = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version

/**
 * The exact versions a service outside the shipshape monorepo is generated with. Inside the monorepo the
 * workspace catalog is the one source of truth; a test keeps this table equal to it.
 */
export const pinnedVersions = {
  '@types/node': '24.19.2',
  'drizzle-kit': '0.31.11',
  'drizzle-orm': '0.45.4',
  typebox: '1.4.3',
  typescript: '7.0.2',
  vitest: '5.1.1',
} as const

/** The pnpm the Dockerfile installs; a test keeps it equal to the workspace's `packageManager`. */
export const pnpmVersion = '12.21.0'

type DependencyKey =
  | 'shipshape'
  | 'typesNode'
  | 'drizzleKit'
  | 'drizzleOrm'
  | 'typebox'
  | 'typescript'
  | 'vitest'

/** Version specifiers for the service's package.json, keyed for use in templates (`{{deps.drizzleOrm}}`). */
export function getDependencySpecifiers(inWorkspace: boolean): Record<DependencyKey, string> {
  const pick = (name: keyof typeof pinnedVersions) => (inWorkspace ? 'catalog:' : pinnedVersions[name])
  return {
    shipshape: inWorkspace ? 'workspace:*' : ownVersion,
    typesNode: pick('@types/node'),
    drizzleKit: pick('drizzle-kit'),
    drizzleOrm: pick('drizzle-orm'),
    typebox: pick('typebox'),
    typescript: pick('typescript'),
    vitest: pick('vitest'),
  }
}
