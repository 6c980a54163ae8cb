import { describe, expect, it } from 'vitest'
import { isValidIdempotencyKey } from './key.ts'

describe('isValidIdempotencyKey', () => {
  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a space', 'a b'],
    ['a tab', 'a\tb'],
    ['a NUL', 'a\u0000b'],
    ['DEL', 'a\u007fb'],
    ['non-ASCII', 'ключ'],
    ['latin1', 'caf\u00e9'],
    ['a joined repeated header', 'a, b'],
  ])('rejects %s', (_name, key) => {
    expect(isValidIdempotencyKey(key)).toBe(false)
  })

  it('rejects values that are not one string', () => {
    expect(isValidIdempotencyKey(['a', 'b'])).toBe(false)
    expect(isValidIdempotencyKey(undefined)).toBe(false)
  })

  it('accepts 1 to 255 visible ASCII characters', () => {
    expect(isValidIdempotencyKey('k')).toBe(true)
    expect(isValidIdempotencyKey('k'.repeat(255))).toBe(true)
    expect(isValidIdempotencyKey('!~"{}\\0123abcXYZ')).toBe(true)
  })
})
