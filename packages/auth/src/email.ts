import { isStorableText } from '@shipshape/server'

/**
 * Control, format (RTL overrides, zero-width), whitespace and separator characters have no place in an
 * email, nor RFC 5322 "specials" outside quotes (quoted local parts are not supported). Unicode letters and
 * emoji are allowed (RFC 6531 addresses).
 */
const FORBIDDEN = /[\p{C}\p{Z}\s()<>[\]:;\\,"]/u
const SHAPE = /^[^@]+@[^@]+\.[^@]+$/u
export const MAX_EMAIL_LENGTH = 254

/**
 * The canonical form we store: trimmed and NFC-normalised so visually equal inputs are one account; case is
 * kept (comparison is on lower(email)). Null when it cannot be an address.
 */
export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().normalize('NFC')
  if (email.length > MAX_EMAIL_LENGTH || !isStorableText(email)) return null
  if (FORBIDDEN.test(email) || !SHAPE.test(email)) return null
  return email
}

/** The key throttling counts failures under, matching the database's case-insensitive comparison. */
export function getEmailKey(email: string): string {
  return email.toLowerCase()
}
