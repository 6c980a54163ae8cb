import { defineTestConfig } from '@shipshape/vitest-config'

export default defineTestConfig({
  // @actions/workflow-parser imports its JSON schema without an import attribute, which only a bundler
  // accepts: vitest transforms it instead of handing it to Node.
  test: { server: { deps: { inline: ['@actions/workflow-parser'] } } },
})
