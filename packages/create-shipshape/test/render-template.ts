import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readPins } from '../read-pins.ts'
import type { Pins } from '../src/pins.ts'
import { renderWorkspace } from '../src/render-workspace.ts'

export type RenderedTemplate = { dir: string; pins: Pins; files: string[]; remove: () => void }

/** The workspace template rendered, as `npm create` writes it, with the pins the build would bake in. */
export async function renderTemplate(name = 'my-platform'): Promise<RenderedTemplate> {
  const pins = await readPins()
  const dir = join(mkdtempSync(join(tmpdir(), 'create-shipshape-template-')), name)
  const files = await renderWorkspace(
    dir,
    { ...pins, name },
    fileURLToPath(new URL('../template/', import.meta.url)),
  )
  return { dir, pins, files, remove: () => rmSync(dirname(dir), { recursive: true, force: true }) }
}
