import { expect, it } from 'vitest'
import { createScriptWorkspace, runBash } from './test/workspace.ts'

it('writes plain log lines, no colour codes, when stderr is not a terminal', () => {
  const workspace = createScriptWorkspace()
  // Both URLs set: the script starts nothing and only reports them.
  const result = runBash(workspace, 'source tooling/scripts/services.sh', {
    DATABASE_URL: 'postgres://user:secret@db.example:5432/app',
    REDIS_URL: 'redis://cache.example:6379',
  })
  expect(result).toMatchObject({ status: 0 })
  expect(result.stderr).toBe(
    '[services] DATABASE_URL=postgres://…@db.example:5432/app  REDIS_URL=redis://cache.example:6379\n',
  )
})
