import { describe, expect, it } from 'vitest'
import { normalizeEmail } from './email.ts'

describe('normalizeEmail', () => {
  it('trims, NFC-normalises and keeps case', () => {
    expect(normalizeEmail('  Ann.Lee@Example.TEST \t')).toBe('Ann.Lee@Example.TEST')
    expect(normalizeEmail('jose\u0301@example.test')).toBe('josé@example.test')
    expect(normalizeEmail('😀@example.test')).toBe('😀@example.test')
  })

  it('refuses what cannot be a plain address', () => {
    for (const bad of [
      '',
      '@',
      'a@b',
      'a b@example.test',
      'a@@example.test',
      'evil\u202Egnp@example.test',
      'zero\u200Bwidth@example.test',
      'lone\uD800@example.test',
      'nul\u0000@example.test',
      '<script>@example.test',
      'x"y@example.test',
      `${'a'.repeat(250)}@e.st`,
    ]) {
      expect(normalizeEmail(bad), bad).toBeNull()
    }
  })
})
