import type { AppDatabase } from '@shipshape/db'
import { eq, sql } from 'drizzle-orm'
import type { AuthTables } from './schema.ts'

export interface AuthUser {
  id: string
  email: string
}

export interface StoredUser extends AuthUser {
  passwordHash: string
}

export interface UserStore {
  /** Null when the email is taken (in any case): the unique index on lower(email) decides, atomically. */
  insert(email: string, passwordHash: string): Promise<AuthUser | null>
  findByEmail(email: string): Promise<StoredUser | null>
  findById(id: string): Promise<StoredUser | null>
  updatePasswordHash(id: string, passwordHash: string): Promise<void>
}

export function createUserStore(db: AppDatabase, tables: AuthTables): UserStore {
  const { users } = tables
  const columns = { id: users.id, email: users.email, passwordHash: users.passwordHash }
  return {
    async insert(email, passwordHash) {
      // ON CONFLICT DO NOTHING waits for a concurrent insert of the same lower(email) and then skips, so
      // the race ends in one row and one "taken" answer instead of an exception.
      const rows = await db
        .insert(users)
        .values({ email, passwordHash })
        .onConflictDoNothing()
        .returning({ id: users.id, email: users.email })
      return rows[0] ?? null
    },
    async findByEmail(email) {
      const rows = await db
        .select(columns)
        .from(users)
        .where(sql`lower(${users.email}) = lower(${email})`)
        .limit(1)
      return rows[0] ?? null
    },
    async findById(id) {
      const rows = await db.select(columns).from(users).where(eq(users.id, id)).limit(1)
      return rows[0] ?? null
    },
    async updatePasswordHash(id, passwordHash) {
      await db.update(users).set({ passwordHash, updatedAt: sql`now()` }).where(eq(users.id, id))
    },
  }
}
