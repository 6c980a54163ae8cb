import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { planFile } from './plan-file.ts'

type Edit = { op: 'insert' | 'delete' | 'replace'; at: number }

const baseLines = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 12 })
const edits = fc.array(
  fc.record({ op: fc.constantFrom<Edit['op']>('insert', 'delete', 'replace'), at: fc.nat({ max: 20 }) }),
  { maxLength: 4 },
)

/** Applies edits; every line it adds is unique (`<prefix><n>`), so a lost line can be told apart. */
function applyEdits(lines: string[], list: Edit[], prefix: string): { lines: string[]; added: string[] } {
  const result = [...lines]
  const added: string[] = []
  for (const [n, edit] of list.entries()) {
    const at = result.length === 0 ? 0 : edit.at % (result.length + (edit.op === 'insert' ? 1 : 0))
    const line = `${prefix}${n}`
    if (edit.op === 'insert') result.splice(at, 0, line)
    else if (result.length > 0) result.splice(at, 1, ...(edit.op === 'replace' ? [line] : []))
    if (edit.op === 'insert' || (edit.op === 'replace' && lines.length > 0)) added.push(line)
  }
  return { lines: result, added: added.filter((l) => result.includes(l)) }
}

const toText = (lines: string[]) => lines.map((l) => `${l}\n`).join('')

describe('regen of a merged text file, over random user and template edits', () => {
  it('never loses a line the user added without reporting a conflict', async () => {
    await fc.assert(
      fc.asyncProperty(baseLines, edits, edits, async (base, userEdits, templateEdits) => {
        const ours = applyEdits(base, userEdits, 'user')
        const theirs = applyEdits(base, templateEdits, 'template')
        const plan = await planFile({
          path: 'src/app.ts',
          component: 'base',
          class: 'merged',
          base: toText(base),
          ours: toText(ours.lines),
          theirs: toText(theirs.lines),
        })
        const result = (plan.next ?? '').split('\n')
        if (plan.action !== 'conflict') {
          for (const line of ours.added) expect(result).toContain(line)
          for (const line of theirs.added) expect(result).toContain(line)
        } else {
          expect(plan.conflicts.length).toBeGreaterThan(0)
          expect(result).toContain('<<<<<<< yours')
        }
      }),
      { numRuns: 150 },
    )
  }, 120_000)

  it('is the identity when the template did not change', async () => {
    await fc.assert(
      fc.asyncProperty(baseLines, edits, async (base, userEdits) => {
        const ours = toText(applyEdits(base, userEdits, 'user').lines)
        const input = {
          path: 'src/app.ts',
          component: 'base',
          class: 'merged' as const,
          base: toText(base),
          theirs: toText(base),
        }
        const plan = await planFile({ ...input, ours })
        expect(plan.next).toBe(ours)
        expect(plan.nextBase).toBe(toText(base))
        expect(plan.conflicts).toEqual([])
      }),
      { numRuns: 150 },
    )
  })
})
