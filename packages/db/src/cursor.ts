/** A position in a list ordered by (createdAt, id): the last row a client has seen. */
export type Cursor = { createdAt: Date; id: string }

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** An opaque, URL-safe token for a keyset page boundary. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url')
}

/**
 * Reads a token made by encodeCursor; anything else (tampered, truncated, hand-made) is undefined, so the
 * caller answers 400 instead of letting a malformed value reach SQL.
 */
export function decodeCursor(token: string): Cursor | undefined {
  if (token.length > 200 || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return undefined
  const [iso, id] = decoded as unknown[]
  if (typeof iso !== 'string' || typeof id !== 'string' || !uuidPattern.test(id)) return undefined
  const createdAt = new Date(iso)
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== iso) return undefined
  return { createdAt, id }
}
