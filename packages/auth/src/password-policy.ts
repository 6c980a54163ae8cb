import { MAX_PASSWORD_LENGTH } from './password-limits.ts'

export type PasswordPolicyResult =
  | { ok: true }
  | { ok: false; rule: 'too_short' | 'too_long' | 'common'; detail: string }

let commonPasswords: Promise<Set<string>> | undefined

/**
 * ~30,000 most common leaked passwords (zxcvbn-ts's ranked list), lower-cased. Read at the first check,
 * not at import: decompressing the list grew an idle service's heap by tens of MiB it may never need.
 * A dynamic `import()`, not a `require` made with `createRequire`: a bundler follows it into the bundle,
 * where a `require` of this package's own dependency would be left to resolve from the service at run time.
 */
function getCommonPasswords(): Promise<Set<string>> {
  commonPasswords ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => new Set(dictionary['passwords-common'].map((word) => word.toLowerCase())),
  )
  return commonPasswords
}

/** The same canonical form is hashed and checked, so "ﬁ" and "fi" are one password (NIST: normalise). */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC')
}

/**
 * `sent` is the password as the person typed it (before normalisation): its length is counted in characters
 * (code points, not UTF-16 units, so an emoji counts once) because NFKC can expand one character into many
 * ("ﷺ" into 18), which would let a one-keystroke password pass the minimum. The common-password list is
 * checked on the normalised form, the one that is hashed.
 */
export async function checkPasswordPolicy(sent: string, minLength: number): Promise<PasswordPolicyResult> {
  const length = [...sent].length
  if (length < minLength) {
    return {
      ok: false,
      rule: 'too_short',
      detail: `The password must be at least ${minLength} characters long.`,
    }
  }
  if (length > MAX_PASSWORD_LENGTH) {
    return {
      ok: false,
      rule: 'too_long',
      detail: `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`,
    }
  }
  if ((await getCommonPasswords()).has(normalizePassword(sent).toLowerCase())) {
    return { ok: false, rule: 'common', detail: 'The password is on a list of commonly used passwords.' }
  }
  return { ok: true }
}

export async function getCommonPasswordCount(): Promise<number> {
  return (await getCommonPasswords()).size
}
