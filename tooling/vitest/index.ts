import { defineConfig, mergeConfig, type ViteUserConfig } from 'vitest/config'

/**
 * The shared test settings. Workspace packages resolve to their TypeScript sources (no build needed before
 * a test), and every run writes `.vitest/results.json`, which `tooling/scripts/test.sh` sums into one line.
 */
export function defineTestConfig(overrides: ViteUserConfig = {}): ViteUserConfig {
  const shared = defineConfig({
    resolve: { conditions: ['@shipshape/source'] },
    ssr: { resolve: { conditions: ['@shipshape/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      reporters: ['default', 'json'],
      outputFile: { json: '.vitest/results.json' },
      testTimeout: 30_000,
      hookTimeout: 60_000,
      passWithNoTests: false,
    },
  })
  return mergeConfig(shared, overrides)
}
