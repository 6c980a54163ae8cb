import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { createService } from '@shipshape/generator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RenderedTemplate, renderTemplate } from '../test/render-template.ts'

// `pnpm lint` in a new workspace runs Biome with the workspace's biome.json, as its package.json says: it must
// pass on what `npm create` writes plus the service it generates (`api`, from this repository's templates),
// and fail on what it exists to catch.
const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome')
let rendered: RenderedTemplate
let dir: string
let lintArgs: string[]

beforeAll(async () => {
  rendered = await renderTemplate()
  dir = rendered.dir
  // The config reads .gitignore through git, as in a created workspace (which is a repository).
  spawnSync('git', ['init', '--quiet'], { cwd: dir })
  await createService({ cwd: dir, input: { name: 'api' } })
  const script: string = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts.lint
  expect(script).toMatch(/^biome ci /)
  lintArgs = script.split(' ').slice(1)
})

afterAll(() => rendered?.remove())

const lint = () =>
  spawnSync(process.execPath, [biome, ...lintArgs, '--colors=off'], { cwd: dir, encoding: 'utf8' })

describe('the workspace lint (pnpm lint)', () => {
  it('passes on the files npm create writes and on the service it generates', () => {
    const result = lint()
    expect(result.stdout + result.stderr).toMatch(/Checked \d+ files/)
    expect(result.status, result.stdout + result.stderr).toBe(0)
  })

  it('fails on a file Biome would format differently: the formatter is part of the lint', () => {
    const file = join(dir, 'apps/api/src/unformatted.ts')
    writeFileSync(file, 'export const answer = {value:42}\n')
    try {
      const result = lint()
      expect(result.stdout + result.stderr).toMatch(/unformatted\.ts format/)
      expect(result.status).not.toBe(0)
    } finally {
      writeFileSync(file, '')
    }
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
