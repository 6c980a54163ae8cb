import { createHash } from 'node:crypto'
import type { AppDatabase } from '@shipshape/db'
import { and, eq, gt, isNotNull, isNull, ne, sql } from 'drizzle-orm'
import { generateRefreshToken, hashRefreshToken } from './refresh-token.ts'
import type { AuthTables } from './schema.ts'
import type { AuthUser } from './user-store.ts'

export interface SessionLifetimes {
  /** Absolute: a login ends this long after it began, however often it is refreshed. */
  sessionTtlSeconds: number
  /** Idle: a refresh token not used within this long is dead. */
  refreshIdleTtlSeconds: number
}

export interface IssuedSession {
  sessionId: string
  refreshToken: string
}

export type RotateResult =
  | { kind: 'rotated'; user: AuthUser; session: IssuedSession }
  | { kind: 'reused' }
  | { kind: 'invalid' }

export interface SessionStore {
  start(userId: string): Promise<IssuedSession>
  rotate(refreshToken: string): Promise<RotateResult>
  /** One primary-key lookup joined to the user by primary key; null when revoked, expired or absent. */
  findLiveUser(sessionId: string, userId: string): Promise<AuthUser | null>
  revoke(sessionId: string): Promise<void>
  revokeByRefreshToken(refreshToken: string): Promise<void>
  revokeOthers(userId: string, keepSessionId: string): Promise<void>
}

type Tx = Parameters<Parameters<AppDatabase['transaction']>[0]>[0]

export function createSessionStore(
  db: AppDatabase,
  tables: AuthTables,
  lifetimes: SessionLifetimes,
): SessionStore {
  const { users, sessions, refreshTokens } = tables
  const seconds = (n: number) => sql`(now() + ${n}::int * interval '1 second')`
  const isLive = () => and(isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`))
  const revokeWhere = (tx: Tx | AppDatabase, condition: ReturnType<typeof and>) =>
    tx
      .update(sessions)
      .set({ revokedAt: sql`now()` })
      .where(and(condition, isNull(sessions.revokedAt)))

  // Every authenticated request runs this lookup: a named prepared statement is parsed and planned once per
  // connection instead of once per request. The name carries a hash of the text, so two configurations
  // (other table names) sharing a pool never collide.
  const liveUserQuery = db
    .select({ id: users.id, email: users.email })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, sql.placeholder('sessionId')),
        eq(sessions.userId, sql.placeholder('userId')),
        isLive(),
      ),
    )
  const statementHash = createHash('sha256').update(liveUserQuery.toSQL().sql).digest('hex').slice(0, 12)
  const liveUser = liveUserQuery.prepare(`shipshape_auth_live_user_${statementHash}`)

  const issueToken = async (tx: Tx, sessionId: string, sessionExpiresAt: Date) => {
    const refreshToken = generateRefreshToken()
    await tx.insert(refreshTokens).values({
      tokenHash: hashRefreshToken(refreshToken),
      sessionId,
      expiresAt: sql`least(${seconds(lifetimes.refreshIdleTtlSeconds)}, ${sessionExpiresAt.toISOString()}::timestamptz)`,
    })
    return { sessionId, refreshToken }
  }

  return {
    start: (userId) =>
      db.transaction(async (tx) => {
        const [row] = await tx
          .insert(sessions)
          .values({ userId, expiresAt: seconds(lifetimes.sessionTtlSeconds) })
          .returning({ id: sessions.id, expiresAt: sessions.expiresAt })
        if (!row) throw new Error('session insert returned no row')
        return issueToken(tx, row.id, row.expiresAt)
      }),

    rotate: (refreshToken) =>
      db.transaction(async (tx): Promise<RotateResult> => {
        const tokenHash = hashRefreshToken(refreshToken)
        // The conditional UPDATE takes the row lock; a concurrent rotation of the same token waits, then
        // re-checks `used_at IS NULL`, finds it set, and is treated as reuse. At most one caller wins.
        const [claimed] = await tx
          .update(refreshTokens)
          .set({ usedAt: sql`now()` })
          .where(
            and(
              eq(refreshTokens.tokenHash, tokenHash),
              isNull(refreshTokens.usedAt),
              gt(refreshTokens.expiresAt, sql`now()`),
            ),
          )
          .returning({ sessionId: refreshTokens.sessionId })
        if (!claimed) {
          const [used] = await tx
            .select({ sessionId: refreshTokens.sessionId })
            .from(refreshTokens)
            .where(and(eq(refreshTokens.tokenHash, tokenHash), isNotNull(refreshTokens.usedAt)))
          if (!used) return { kind: 'invalid' }
          await revokeWhere(tx, eq(sessions.id, used.sessionId))
          return { kind: 'reused' }
        }
        const [live] = await tx
          .select({ id: users.id, email: users.email, expiresAt: sessions.expiresAt })
          .from(sessions)
          .innerJoin(users, eq(users.id, sessions.userId))
          .where(and(eq(sessions.id, claimed.sessionId), isLive()))
        if (!live) return { kind: 'invalid' }
        const session = await issueToken(tx, claimed.sessionId, live.expiresAt)
        return { kind: 'rotated', user: { id: live.id, email: live.email }, session }
      }),

    async findLiveUser(sessionId, userId) {
      const [row] = await liveUser.execute({ sessionId, userId })
      return row ?? null
    },

    async revoke(sessionId) {
      await revokeWhere(db, eq(sessions.id, sessionId))
    },

    async revokeByRefreshToken(refreshToken) {
      const owner = db
        .select({ id: refreshTokens.sessionId })
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, hashRefreshToken(refreshToken)))
      await revokeWhere(db, sql`${sessions.id} in ${owner}`)
    },

    async revokeOthers(userId, keepSessionId) {
      await revokeWhere(db, and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)))
    },
  }
}
