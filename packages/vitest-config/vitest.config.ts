import { defineTestConfig } from './src/index.ts'

// test/fixture is a project of its own, run by the tests in a child vitest.
export default defineTestConfig({ test: { exclude: ['test/fixture/**'] } })
