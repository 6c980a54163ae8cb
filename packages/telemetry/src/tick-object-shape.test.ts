import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Ticks, then two full collections while no tick entry is alive, then ticks again; prints the feedback
// states of `process.nextTick`'s computed-key stores (V8's %DebugPrint, one line per feedback slot).
const SCENARIO = `
for (let i = 0; i < 20; i++) await new Promise((resolve) => process.nextTick(resolve));
globalThis.gc(); globalThis.gc();
for (let i = 0; i < 20; i++) await new Promise((resolve) => process.nextTick(resolve));
%DebugPrint(process.nextTick);
`

function computedKeyFeedback(preload: string[]): string[] {
  const output = execFileSync(
    process.execPath,
    [
      '--allow-natives-syntax',
      '--expose-gc',
      '--conditions=@shipshape/source',
      ...preload,
      '--input-type=module',
      '--eval',
      SCENARIO,
    ],
    {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { PATH: process.env.PATH ?? '', OTEL_SDK_DISABLED: 'true' },
      encoding: 'utf8',
    },
  )
  const slots = output.split('\n').filter((line) => line.includes(' DefineKeyedOwnPropertyInLiteral '))
  // Node 24 builds each entry with three computed keys: without their slots the check would prove nothing.
  expect(slots.length).toBeGreaterThanOrEqual(3)
  return slots
}

describe("process.nextTick's entry shape", () => {
  it('without the preload, a full collection between ticks turns the feedback megamorphic', () => {
    expect(computedKeyFeedback([]).some((slot) => slot.includes('MEGAMORPHIC'))).toBe(true)
  })

  it('under the preload (tracing off or on), the feedback stays monomorphic', () => {
    const slots = computedKeyFeedback(['--import', '@shipshape/telemetry/register'])
    expect(slots.filter((slot) => slot.includes('MEGAMORPHIC'))).toEqual([])
    expect(slots.every((slot) => slot.includes('MONOMORPHIC'))).toBe(true)
  })
})
