import { afterEach, describe, expect, it, vi } from 'vitest'
import { formatFiles } from './format.ts'

// Reads that take their time, as they may on a loaded machine: a read still under way when formatFiles
// removes its staging folder fails with ENOENT (seen once in CI, on a service's otel-collector.yaml).
const slowReads = vi.hoisted(() => ({ delayMs: 0 }))
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>()
  return {
    ...fs,
    readFile: async (...args: Parameters<typeof fs.readFile>) => {
      await new Promise((resolve) => setTimeout(resolve, slowReads.delayMs))
      return fs.readFile(...args)
    },
  }
})

describe('formatFiles', () => {
  afterEach(() => {
    slowReads.delayMs = 0
  })

  it('reads back every file it formatted before it removes its staging folder', async () => {
    slowReads.delayMs = 50
    const files = Array.from({ length: 20 }, (_, index) => ({
      path: `src/module-${index}/file-${index}.ts`,
      content: `export const value${index}   =   ${index}\n`,
    }))
    const formatted = await formatFiles(files, {})
    expect(formatted.map((file) => file.content)).toEqual(
      files.map((_, index) => `export const value${index} = ${index};\n`),
    )
  })
})
