import { defineConfig, mergeConfig, type ViteUserConfig } from 'vitest/config'

// The `@shipshape/source` condition points at TypeScript sources that exist only in the shipshape repo. The
// preset runs from this file there and from the compiled `dist/index.js` once installed, so it asks for the
// condition only where every package that declares it has the sources (and leaves vitest's own resolution
// conditions untouched everywhere else).
const sourceConditions = import.meta.url.endsWith('.ts') ? ['@shipshape/source'] : []

/**
 * The shared test settings. In the shipshape repo, workspace packages resolve to their TypeScript sources (no
 * build needed before a test); every run writes `.vitest/results.json`, which the repo's `tooling/scripts/test.sh`
 * sums into one line.
 */
export function defineTestConfig(
  overrides: ViteUserConfig & { postgresTests?: string } = {},
): ViteUserConfig {
  const { postgresTests, ...rest } = overrides
  const needsPostgres = postgresTests !== undefined && !process.env.DATABASE_URL
  if (needsPostgres) {
    console.warn(
      `[vitest] DATABASE_URL is not set: ${postgresTests} (real PostgreSQL) will not run in this pass.`,
    )
  }
  const resolveFromSource =
    sourceConditions.length > 0
      ? { resolve: { conditions: sourceConditions }, ssr: { resolve: { conditions: sourceConditions } } }
      : {}
  const shared = defineConfig({
    ...resolveFromSource,
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      reporters: ['default', 'json'],
      outputFile: { json: '.vitest/results.json' },
      testTimeout: 30_000,
      hookTimeout: 60_000,
      exclude: ['**/node_modules/**', ...(needsPostgres ? [postgresTests] : [])],
      passWithNoTests: false,
    },
  })
  return mergeConfig(shared, rest)
}
