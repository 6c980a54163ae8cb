import { defineTestConfig } from '@shipshape/vitest-config'

// Fixtures are services under audit, not tests of this package.
export default defineTestConfig({ test: { exclude: ['test/fixtures/**'] } })
