import { sql } from 'drizzle-orm'
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

/**
 * Accounts. Emails keep the case the user typed; uniqueness is on `lower(email)` so two concurrent sign-ups
 * that differ only in case cannot both succeed, whatever the isolation level.
 */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('users_email_lower_key').on(sql`lower(${table.email})`)],
)

/**
 * One row per login (a refresh-token family). Access tokens carry its id, so revoking the row kills every
 * token of that login at once, including access tokens still inside their lifetime.
 */
export const sessions = pgTable(
  'auth_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (table) => [index('auth_sessions_user_id_idx').on(table.userId)],
)

/** Refresh tokens, stored only as SHA-256 hashes; each is single-use (`used_at`). */
export const refreshTokens = pgTable(
  'auth_refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('auth_refresh_tokens_session_id_idx').on(table.sessionId)],
)

/** The tables the auth plugin reads and writes; pass your own re-exports when the schema lives elsewhere. */
export interface AuthTables {
  users: typeof users
  sessions: typeof sessions
  refreshTokens: typeof refreshTokens
}

export const authTables: AuthTables = { users, sessions, refreshTokens }
