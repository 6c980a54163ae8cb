import { defineTestConfig } from '@shipshape/vitest-config'

// One long scenario that publishes and installs for real: minutes, not seconds, and one file at a time.
export default defineTestConfig({
  test: { testTimeout: 900_000, hookTimeout: 600_000, fileParallelism: false },
})
