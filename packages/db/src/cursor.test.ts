import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor } from './cursor.ts'

const cursor = { createdAt: new Date('2026-11-22T10:00:00.123Z'), id: '0b9f5a4e-7a1c-4c1e-9d2e-3f4a5b6c7d8e' }

describe('cursor', () => {
  it('round-trips to the same position', () => {
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor)
  })

  it.each([
    ['garbage', 'not base64url!'],
    ['not JSON', Buffer.from('{').toString('base64url')],
    ['an object', Buffer.from('{"a":1}').toString('base64url')],
    ['a bad id', Buffer.from('["2026-11-22T10:00:00.123Z","1 OR 1=1"]').toString('base64url')],
    ['a bad date', Buffer.from('["yesterday","0b9f5a4e-7a1c-4c1e-9d2e-3f4a5b6c7d8e"]').toString('base64url')],
    [
      'a non-canonical date',
      Buffer.from('["2026-11-22","0b9f5a4e-7a1c-4c1e-9d2e-3f4a5b6c7d8e"]').toString('base64url'),
    ],
    ['a very long token', 'a'.repeat(201)],
    ['an empty token', ''],
  ])('rejects %s', (_case, token) => {
    expect(decodeCursor(token)).toBeUndefined()
  })
})
