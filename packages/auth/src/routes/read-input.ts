import { isStorableText } from '@shipshape/server'
import { getEmailKey, normalizeEmail } from '../email.ts'
import { normalizePassword } from '../password-policy.ts'
import { createInvalidInput } from '../problems.ts'

export function readPassword(raw: string, field: string): string {
  if (!isStorableText(raw)) throw createInvalidInput(`${field} contains characters that are not allowed`)
  return normalizePassword(raw)
}

export function readEmail(raw: string): string {
  const email = isStorableText(raw) ? normalizeEmail(raw) : null
  if (email === null) throw createInvalidInput('email is not a valid address')
  return email
}

/** For login, where a malformed email is just an unknown account: same answer, same work. */
export function readLoginEmail(raw: string): { email: string | null; key: string } {
  const email = isStorableText(raw) ? normalizeEmail(raw) : null
  return { email, key: getEmailKey(email ?? raw.trim()) }
}
