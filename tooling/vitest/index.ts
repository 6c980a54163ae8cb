import { defineConfig, mergeConfig, type ViteUserConfig } from 'vitest/config'

/**
 * The shared test settings. Workspace packages resolve to their TypeScript sources (no build needed before
 * a test), and every run writes `.vitest/results.json`, which `tooling/scripts/test.sh` sums into one line.
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
  const shared = defineConfig({
    resolve: { conditions: ['@shipshape/source'] },
    ssr: { resolve: { conditions: ['@shipshape/source'] } },
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
