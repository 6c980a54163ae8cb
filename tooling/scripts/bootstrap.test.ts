import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { createScriptWorkspace, runBash } from './test/workspace.ts'

it("puts pnpm on PATH and leaves the sourcing shell's options as they were", () => {
  const workspace = createScriptWorkspace()
  const result = runBash(
    workspace,
    `set +e +u; set -o noclobber; shopt -s extglob
    before="$(set +o; shopt -p)"
    source tooling/scripts/bootstrap.sh 2>/dev/null
    echo "status $?"
    after="$(set +o; shopt -p)"
    [ "$before" = "$after" ] && echo "options kept" || diff <(echo "$before") <(echo "$after")
    command -v pnpm`,
    { PATH: '/usr/bin:/bin' },
  )
  expect(result.stdout).toMatch(/^status 0\noptions kept\n\/.*\/pnpm-[\d.]+\/bin\/pnpm\n$/)
})

it('returns non-zero to the sourcing shell when it fails, and the shell goes on', () => {
  const workspace = createScriptWorkspace()
  rmSync(join(workspace, '.node-version'))
  const result = runBash(
    workspace,
    'source tooling/scripts/bootstrap.sh 2>/dev/null; echo "still here, status $?"',
  )
  expect(result.stdout).toMatch(/^still here, status [1-9]\d*\n$/)
})
