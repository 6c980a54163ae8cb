import { matchesGlob, relative } from 'node:path'
import { defineConfig, mergeConfig, type Plugin, type ViteUserConfig } from 'vitest/config'

// The `@shipshape/source` condition points at TypeScript sources that exist only in the shipshape repo. The
// preset runs from this file there and from the compiled `dist/index.js` once installed, so it asks for the
// condition only where every package that declares it has the sources (and leaves vitest's own resolution
// conditions untouched everywhere else).
const sourceConditions = import.meta.url.endsWith('.ts') ? ['@shipshape/source'] : []

/** Set to `1` to run a package's tests without PostgreSQL, knowingly: its PostgreSQL suites report as skipped. */
export const SKIP_POSTGRES_VARIABLE = 'SHIPSHAPE_SKIP_POSTGRES'

/**
 * The shared test settings. In the shipshape repo, workspace packages resolve to their TypeScript sources (no
 * build needed before a test); every run writes `.vitest/results.json`, which the repo's `tooling/scripts/test.sh`
 * sums into one line.
 *
 * `postgresTests` (a glob) names the files that need a real PostgreSQL. Without `DATABASE_URL` each of them
 * runs as one failing test that says what is missing: a security suite that did not run never looks like a
 * pass. With `SHIPSHAPE_SKIP_POSTGRES=1` they are reported as skipped instead, with the reason in the name.
 */
export function defineTestConfig(
  overrides: ViteUserConfig & { postgresTests?: string } = {},
): ViteUserConfig {
  const { postgresTests, ...rest } = overrides
  const skip = process.env[SKIP_POSTGRES_VARIABLE] === '1' && !process.env.DATABASE_URL
  if (postgresTests !== undefined && skip) {
    console.warn(
      `[vitest] ${SKIP_POSTGRES_VARIABLE}=1 and no DATABASE_URL: ${postgresTests} are reported as skipped.`,
    )
  }
  const plugins =
    postgresTests === undefined
      ? []
      : [
          postgresSuites(postgresTests, {
            available: Boolean(process.env.DATABASE_URL),
            skip,
          }),
        ]
  const resolveFromSource =
    sourceConditions.length > 0
      ? { resolve: { conditions: sourceConditions }, ssr: { resolve: { conditions: sourceConditions } } }
      : {}
  const shared = defineConfig({
    ...resolveFromSource,
    plugins,
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      reporters: ['default', 'json'],
      outputFile: { json: '.vitest/results.json' },
      testTimeout: 30_000,
      hookTimeout: 60_000,
      exclude: ['**/node_modules/**'],
      passWithNoTests: false,
    },
  })
  return mergeConfig(shared, rest)
}

/**
 * Without a PostgreSQL, replaces each PostgreSQL suite by one test that fails (or, asked to, is skipped) and
 * names the reason. The suite's own code is never loaded, so nothing falls back to PGlite and passes by
 * accident. These files are kept out of vitest's module cache, which keys on a file's content and not on the
 * environment: a replaced suite must never be served to a run that has a database, nor the reverse.
 */
function postgresSuites(pattern: string, { available, skip }: { available: boolean; skip: boolean }): Plugin {
  let root = process.cwd()
  const isPostgresSuite = (id: string) => matchesGlob(relative(root, id.split('?')[0] ?? id), pattern)
  const reason = skip
    ? `DATABASE_URL is not set and ${SKIP_POSTGRES_VARIABLE}=1: this PostgreSQL suite did not run`
    : `DATABASE_URL is not set: this suite needs a real PostgreSQL. Set DATABASE_URL (and PG_ADMIN_URL) to a server the tests may create databases on, or run with ${SKIP_POSTGRES_VARIABLE}=1 to report it as skipped.`
  const replacement = skip
    ? `test.skip(${JSON.stringify(reason)}, () => {})`
    : `test('needs PostgreSQL', () => { throw new Error(${JSON.stringify(reason)}) })`
  return {
    name: 'shipshape:postgres-suites',
    enforce: 'pre',
    configResolved(config) {
      root = config.root
    },
    configureVitest({ defineCacheKeyGenerator }) {
      defineCacheKeyGenerator(({ id }) => (isPostgresSuite(id) ? false : undefined))
    },
    transform(_code, id) {
      if (available || !isPostgresSuite(id)) return undefined
      return { code: `import { test } from 'vitest'\n${replacement}\n`, map: null }
    },
  }
}
