import { createHash, randomBytes } from 'node:crypto'

/** 256 random bits: unguessable, so a plain SHA-256 (no salt, no slow hash) is enough to store it. */
export function generateRefreshToken(): string {
  return randomBytes(32).toString('base64url')
}

/** The database holds only this, so a leaked table cannot be replayed as cookies. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}
