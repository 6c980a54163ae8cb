import { type SQL, sql } from 'drizzle-orm'

/**
 * The advisory lock that says "a request is running this key": one 64-bit id per (scope, key). The store
 * takes it without waiting; a test holds it to stand in for another instance mid-request.
 */
export function getKeyLockId(scope: string, key: string): SQL {
  return sql`hashtextextended(${scope} || chr(31) || ${key}, 0)`
}
