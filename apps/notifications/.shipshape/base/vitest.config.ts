// Managed by shipshape: regen replaces this file, and edits here conflict with template changes (README.md).
import { defineTestConfig } from '@shipshape/vitest-config'

// Files named *.pg.test.ts need a real PostgreSQL (a database that goes away and comes back, races): they run
// when DATABASE_URL is set, as in CI and `bash tooling/scripts/test.sh`, and fail, saying so, when it is not
// (SHIPSHAPE_SKIP_POSTGRES=1 reports them as skipped instead). Every other test runs on PGlite.
// deploy/ holds the Kubernetes manifests' test when the service has the deploy component.
export default defineTestConfig({
  postgresTests: 'test/**/*.pg.test.ts',
  test: { include: ['deploy/**/*.test.ts'] },
})
