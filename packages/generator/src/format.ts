import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { GeneratorError } from './errors.ts'
import type { RenderedFile } from './manifest.ts'

// The Biome the workspace lints with (the catalog's version, a dependency of the CLI that bundles us), run as
// its own command: the same formatter as the user's `biome ci`, which the WebAssembly build lags behind.
const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome')

/**
 * Formats rendered files with Biome (formatter and import sorting, no lint rules) in the template's style,
 * so a service is `biome ci`-clean whatever the length of its names: a README table or a line as wide as the
 * name comes out as Biome would write it. Files Biome does not know, or the config excludes, stay as they are.
 */
export async function formatFiles<T extends RenderedFile>(files: T[], config: object): Promise<T[]> {
  const dir = await mkdtemp(join(tmpdir(), 'shipshape-format-'))
  try {
    await writeFile(join(dir, 'biome.json'), JSON.stringify(config))
    for (const file of files) {
      await mkdir(dirname(join(dir, 'files', file.path)), { recursive: true })
      await writeFile(join(dir, 'files', file.path), file.content)
    }
    await runBiome(dir)
    // `return await`: a promise returned from `try` runs `finally` (the removal) before it settles.
    return await Promise.all(
      files.map(async (file) => ({
        ...file,
        content: await readFile(join(dir, 'files', file.path), 'utf8'),
      })),
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function runBiome(dir: string): Promise<void> {
  const args = [
    biome,
    'check',
    '--write',
    '--linter-enabled=false',
    '--files-ignore-unknown=true',
    '--no-errors-on-unmatched',
    '--colors=off',
    '--config-path=biome.json',
    'files',
  ]
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: dir, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve()
      const output = `${stdout}${stderr}`.trim()
      reject(
        new GeneratorError(
          'SHIPSHAPE_RENDER_FAILED',
          `Biome could not format the rendered files (a template renders invalid code):\n${output}`,
          { cause: error },
        ),
      )
    })
  })
}
