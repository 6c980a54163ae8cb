import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CreateError } from './errors.ts'

/** Files npm would drop from the tarball under their real name are shipped under another one. */
const shippedAs: Record<string, string> = { gitignore: '.gitignore' }

const bundledTemplateDir = fileURLToPath(new URL('./template/', import.meta.url))

/**
 * Writes the workspace template into `target`, each `{{key}}` filled from `data`. The template is a handful
 * of files with a few plain values and no logic, so a replacement that refuses unknown keys is all it
 * takes (a template engine would be the largest part of this package). Returns the paths written. The
 * template is the one beside the bundle unless another folder is named (the tests render the sources).
 */
export async function renderWorkspace(
  target: string,
  data: Record<string, string>,
  templateDir = bundledTemplateDir,
): Promise<string[]> {
  const entries = await readdir(templateDir, { recursive: true, withFileTypes: true })
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name))
  const written: string[] = []
  for (const source of files) {
    const path = relative(templateDir, source)
    const name = basename(path)
    const destination = join(target, dirname(path), shippedAs[name] ?? name)
    await mkdir(dirname(destination), { recursive: true })
    await writeFile(destination, fill(await readFile(source, 'utf8'), data, path))
    if (path.endsWith('.sh')) await chmod(destination, 0o755)
    written.push(relative(target, destination))
  }
  return written.sort()
}

function fill(text: string, data: Record<string, string>, path: string): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_whole, key: string) => {
    const value = data[key]
    if (value === undefined) {
      throw new CreateError(
        'CREATE_FAILED',
        `The workspace template's ${path} names {{${key}}}, which has no value.`,
      )
    }
    return value
  })
}
