import { describe, expect, it } from 'vitest'
import { isStorableText } from './storable-text.ts'

describe('isStorableText', () => {
  it('refuses NUL and a lone surrogate anywhere, and accepts a valid pair', () => {
    expect(['a\u0000b', '\u0000', 'x\uD800', '\uDC00y'].map(isStorableText)).toEqual([
      false,
      false,
      false,
      false,
    ])
    expect(['', 'plain', 'emoji \uD83D\uDE00', 'é'].map(isStorableText)).toEqual([true, true, true, true])
  })
})
