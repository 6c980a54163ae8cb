import { createTwoFilesPatch } from 'diff'
import type { FilePlan } from './plan-file.ts'

/** The unified diff of what regen would do to the service's own files (the .shipshape/ record is left out). */
export function getUnifiedDiff(files: FilePlan[]): string {
  return files
    .filter((file) => file.from !== undefined || file.next !== file.ours)
    .map((file) => {
      const oldName = file.ours === undefined ? '/dev/null' : `a/${file.from ?? file.path}`
      const newName = file.next === undefined ? '/dev/null' : `b/${file.path}`
      return createTwoFilesPatch(oldName, newName, file.ours ?? '', file.next ?? '', undefined, undefined, {
        headerOptions: { includeIndex: false, includeUnderline: false, includeFileHeaders: true },
      })
    })
    .join('')
}
