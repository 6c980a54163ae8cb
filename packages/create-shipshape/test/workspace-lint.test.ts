import { spawnSync } from 'node:child_process'
import { cpSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { renderTemplate } from './render-template.ts'

// `pnpm lint` in a new workspace is `biome ci .` with the workspace's biome.json: it must pass on what
// `npm create` writes and on a generated service (the reference service's generated base, unedited), and
// fail on what it exists to catch.
const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome')
const generatedService = fileURLToPath(new URL('../../../apps/bookings/.shipshape/base/', import.meta.url))
let dir: string

beforeAll(async () => {
  dir = (await renderTemplate()).dir
  cpSync(generatedService, join(dir, 'apps/api'), { recursive: true })
  // The config reads .gitignore through git, as in a created workspace (which is a repository).
  spawnSync('git', ['init', '--quiet'], { cwd: dir })
})

const lint = () =>
  spawnSync(process.execPath, [biome, 'ci', '--colors=off', '.'], { cwd: dir, encoding: 'utf8' })

describe('the workspace lint (biome ci)', () => {
  it('passes on the files npm create writes and on a generated service', () => {
    const result = lint()
    expect(result.stdout + result.stderr).toMatch(/Checked \d+ files/)
    expect(result.status, result.stdout + result.stderr).toBe(0)
  })

  it("fails on process.env in a service's source, the one thing @shipshape/config should read", () => {
    const file = join(dir, 'apps/api/src/read-env.ts')
    writeFileSync(file, 'export const port = process.env.PORT\n')
    try {
      const result = lint()
      expect(result.stdout + result.stderr).toMatch(/noProcessEnv/)
      expect(result.status).not.toBe(0)
    } finally {
      writeFileSync(file, '')
    }
  })
})
