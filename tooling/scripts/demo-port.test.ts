import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')

it("demo.sh's default port is free in this repo, so `bash tooling/scripts/demo.sh` can generate apps/demo", () => {
  const demo = readFileSync(join(root, 'tooling/scripts/demo.sh'), 'utf8')
  const port = Number(/port="\$\{PORT:-(\d+)\}"/.exec(demo)?.[1])
  expect(port).toBeGreaterThan(0)
  const used = readdirSync(join(root, 'apps'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'demo')
    .map((entry) => {
      const manifest = JSON.parse(
        readFileSync(join(root, 'apps', entry.name, '.shipshape/manifest.json'), 'utf8'),
      ) as { answers: { port: number } }
      return manifest.answers.port
    })
  expect(used).not.toContain(port)
})
