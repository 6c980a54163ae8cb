import type { AppDatabase } from '@shipshape/db'
import { count, sql } from 'drizzle-orm'
import { users } from '../schema.ts'

export async function listUserEmails(db: AppDatabase): Promise<string[]> {
  const rows = await db.select({ email: users.email }).from(users)
  return rows.map((row) => row.email).sort()
}

/** The tables of the service's schema, to prove hostile input dropped or created none. */
export async function listTables(db: AppDatabase): Promise<string[]> {
  const result: unknown = await db.execute(sql`select tablename from pg_tables where schemaname = 'public'`)
  const rows = (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as {
    tablename: string
  }[]
  return rows.map((row) => row.tablename).sort()
}

export async function countUsersWithEmail(db: AppDatabase, email: string): Promise<number> {
  const [row] = await db
    .select({ value: count() })
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`)
  return row?.value ?? 0
}

export async function getPasswordHash(db: AppDatabase, email: string): Promise<string | undefined> {
  const [row] = await db
    .select({ hash: users.passwordHash })
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`)
  return row?.hash
}

/** PGlite has one connection, so a race on it proves nothing; its version() names emscripten. */
export async function isEmbeddedDatabase(db: AppDatabase): Promise<boolean> {
  const result: unknown = await db.execute(sql`select version() as version`)
  const rows = Array.isArray(result) ? result : (result as { rows?: unknown[] }).rows
  return /pglite|emscripten/i.test(JSON.stringify(rows ?? []))
}
