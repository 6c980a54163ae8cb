import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { checkPasswordPolicy, getCommonPasswordCount, normalizePassword } from './password-policy.ts'

describe('password policy', () => {
  it('rejects a password shorter than the minimum, counting characters not UTF-16 units', async () => {
    expect(await checkPasswordPolicy('a'.repeat(14), 15)).toMatchObject({ ok: false, rule: 'too_short' })
    // 8 emoji are 16 UTF-16 units but 8 characters.
    expect(await checkPasswordPolicy('😀'.repeat(8), 15)).toMatchObject({ ok: false, rule: 'too_short' })
    expect(await checkPasswordPolicy('😀'.repeat(15), 15)).toEqual({ ok: true })
  })

  it('takes the password as typed and checks the common list on its normalised form', async () => {
    // Full-width letters are 8 characters as typed and "password" after NFKC.
    expect(await checkPasswordPolicy('ｐａｓｓｗｏｒｄ', 8)).toMatchObject({ ok: false, rule: 'common' })
  })

  it('rejects more than 128 characters', async () => {
    expect(await checkPasswordPolicy('a b'.repeat(43), 15)).toMatchObject({ ok: false, rule: 'too_long' })
    expect(await checkPasswordPolicy('x'.repeat(128), 15)).toEqual({ ok: true })
  })

  it('rejects common passwords from a shipped list of at least 10,000, in any case', async () => {
    expect(await getCommonPasswordCount()).toBeGreaterThanOrEqual(10_000)
    expect(await checkPasswordPolicy('password', 8)).toMatchObject({ ok: false, rule: 'common' })
    expect(await checkPasswordPolicy('QwertyUiop', 8)).toMatchObject({ ok: false, rule: 'common' })
    expect(await checkPasswordPolicy('1qaz2wsx3edc4rfv', 15)).toMatchObject({ ok: false, rule: 'common' })
  })

  it('has no composition rules: a long lower-case phrase passes', async () => {
    expect(await checkPasswordPolicy('violet lantern drifting seaward', 15)).toEqual({ ok: true })
  })

  it('normalises compatibility characters so one password has one form', () => {
    expect(normalizePassword('ﬁne')).toBe('fine')
  })

  it('reads the common list at the first check, not at import (an idle service never pays for it)', () => {
    // A child process records every specifier Node resolves (import and require alike).
    const script = `
      import { registerHooks } from 'node:module'
      const seen = []
      registerHooks({ resolve: (specifier, context, next) => { seen.push(specifier); return next(specifier, context) } })
      const policy = await import(${JSON.stringify(new URL('./password-policy.ts', import.meta.url).href)})
      const atImport = seen.includes('@zxcvbn-ts/language-common')
      const verdict = (await policy.checkPasswordPolicy('password', 8)).ok
      console.log(JSON.stringify({ atImport, afterCheck: seen.includes('@zxcvbn-ts/language-common'), verdict }))`
    const output = execFileSync(process.execPath, ['--input-type=module', '--eval', script], {
      encoding: 'utf8',
    })
    expect(JSON.parse(output)).toEqual({ atImport: false, afterCheck: true, verdict: false })
  })
})
