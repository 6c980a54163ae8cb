import { removeAbsentEntries } from './entries.ts'
import { formatFiles } from './format.ts'
import type { RenderedFile } from './manifest.ts'
import { addManagedHeader, fillFilesTable } from './ownership-marks.ts'
import { getComponentOf, getOwnershipOf, type LoadedTemplate, type OwnershipClass } from './template.ts'

export type ClassifiedFile = RenderedFile & { component: string; class: OwnershipClass }

/** Each rendered file with the component it belongs to and its ownership class. */
export function classifyFiles(template: LoadedTemplate, files: RenderedFile[]): ClassifiedFile[] {
  return files.map((file) => ({
    ...file,
    component: getComponentOf(template, file.path),
    class: getOwnershipOf(template, file.path),
  }))
}

/**
 * The render as a service gets it, for the components it has (`present`): shared files without the entries
 * of absent components, managed files with their header line, the README's files section filled from the
 * ownership classes, and all of it formatted by Biome in the template's style.
 */
export async function finishRender<T extends ClassifiedFile>(
  template: LoadedTemplate,
  files: T[],
  present: string[],
): Promise<T[]> {
  const owned = files.filter((file) => present.includes(file.component))
  const finished = files.map((file) => {
    let content = removeAbsentEntries(template, file.path, file.content, present)
    if (file.class === 'managed') content = addManagedHeader(file.path, content)
    content = fillFilesTable(content, owned)
    return content === file.content ? file : { ...file, content }
  })
  return formatFiles(finished, template.biome)
}
