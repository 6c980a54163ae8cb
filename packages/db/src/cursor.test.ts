import { type SQL, sql } from 'drizzle-orm'
import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase } from './create-database.ts'
import {
  afterCursor,
  type Cursor,
  cursorParams,
  cursorPlaceholders,
  decodeCursor,
  encodeCursor,
  newestFirst,
  toPage,
} from './cursor.ts'
import type { Database } from './types.ts'

const cursor = { createdAt: new Date('2026-11-22T10:00:00.123Z'), id: '0b9f5a4e-7a1c-4c1e-9d2e-3f4a5b6c7d8e' }

describe('cursor', () => {
  it('round-trips to the same position', () => {
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor)
  })

  it.each([
    ['garbage', 'not base64url!'],
    ['not JSON', Buffer.from('{').toString('base64url')],
    ['an object', Buffer.from('{"a":1}').toString('base64url')],
    ['a bad id', Buffer.from('["2026-11-22T10:00:00.123Z","1 OR 1=1"]').toString('base64url')],
    ['a bad date', Buffer.from('["yesterday","0b9f5a4e-7a1c-4c1e-9d2e-3f4a5b6c7d8e"]').toString('base64url')],
    [
      'a non-canonical date',
      Buffer.from('["2026-11-22","0b9f5a4e-7a1c-4c1e-9d2e-3f4a5b6c7d8e"]').toString('base64url'),
    ],
    ['a very long token', 'a'.repeat(201)],
    ['an empty token', ''],
  ])('rejects %s', (_case, token) => {
    expect(decodeCursor(token)).toBeUndefined()
  })
})

const entries = pgTable('entries', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull(),
})

describe('keyset pages (afterCursor, newestFirst, toPage) on a real database', () => {
  let database: Database
  // Seven rows, three sharing one instant: only the id can order those, so a page boundary among them
  // must neither repeat nor skip a row.
  const same = new Date('2026-11-22T10:00:00.000Z')
  const rows = [
    {
      id: '00000000-0000-4000-8000-000000000001',
      name: 'a',
      createdAt: new Date('2026-11-22T09:00:00.000Z'),
    },
    { id: '00000000-0000-4000-8000-000000000002', name: 'b', createdAt: same },
    { id: '00000000-0000-4000-8000-000000000003', name: 'c', createdAt: same },
    { id: '00000000-0000-4000-8000-000000000004', name: 'd', createdAt: same },
    {
      id: '00000000-0000-4000-8000-000000000005',
      name: 'e',
      createdAt: new Date('2026-11-22T11:00:00.000Z'),
    },
    {
      id: '00000000-0000-4000-8000-000000000006',
      name: 'f',
      createdAt: new Date('2026-11-22T12:00:00.000Z'),
    },
    {
      id: '00000000-0000-4000-8000-000000000007',
      name: 'g',
      createdAt: new Date('2026-11-22T12:00:00.001Z'),
    },
  ]

  beforeAll(async () => {
    database = await createDatabase()
    await database.db.execute(
      'create table entries (id uuid primary key, name text not null, created_at timestamptz(3) not null)',
    )
    await database.db.insert(entries).values(rows)
  })
  afterAll(async () => {
    await database?.close()
  })

  type Entry = typeof entries.$inferSelect
  type ReadPage = (after: Cursor | undefined, limit: number) => Promise<Entry[]>

  // Built on every call, as a one-off query is.
  const built: ReadPage = (after, limit) =>
    database.db
      .select()
      .from(entries)
      .where(afterCursor(entries, after))
      .orderBy(...newestFirst(entries))
      .limit(limit + 1)

  // Prepared once, as a service's list is: the cursor and the limit are placeholders filled in per call.
  const prepared: ReadPage = (() => {
    const prepare = (after: SQL | undefined, name: string) =>
      database.db
        .select()
        .from(entries)
        .where(after)
        .orderBy(...newestFirst(entries))
        .limit(sql.placeholder('limit'))
        .prepare(name)
    let queries: { first: ReturnType<typeof prepare>; next: ReturnType<typeof prepare> } | undefined
    return (after, limit) => {
      queries ??= {
        first: prepare(undefined, 'entries_first_page'),
        next: prepare(afterCursor(entries, cursorPlaceholders), 'entries_next_page'),
      }
      return after === undefined
        ? queries.first.execute({ limit: limit + 1 })
        : queries.next.execute({ limit: limit + 1, ...cursorParams(after) })
    }
  })()

  async function readAll(readPage: ReadPage, limit: number): Promise<{ names: string[]; pages: number }> {
    const names: string[] = []
    let token: string | null = null
    let pages = 0
    do {
      const after: Cursor | undefined = token === null ? undefined : decodeCursor(token)
      const read = await readPage(after, limit)
      const page: { data: string[]; nextCursor: string | null } = toPage(read, limit, (row) => row.name)
      names.push(...page.data)
      token = page.nextCursor
      pages++
    } while (token !== null && pages < 20)
    return { names, pages }
  }

  describe.each([
    ['built per page', built],
    ['prepared once (cursorPlaceholders, cursorParams)', prepared],
  ])('a query %s', (_name, readPage) => {
    it.each([1, 2, 3, 7, 10])('reads every row once, newest first, %i at a time', async (limit) => {
      const { names, pages } = await readAll(readPage, limit)
      expect(names).toEqual(['g', 'f', 'e', 'd', 'c', 'b', 'a'])
      expect(pages).toBe(Math.max(1, Math.ceil(rows.length / limit)))
    })
  })

  it('ends with a null cursor when the page is the last, also when it is exactly full', () => {
    const read = rows.slice(0, 3)
    expect(toPage(read, 3, (row) => row.name).nextCursor).toBeNull()
    expect(toPage(read, 2, (row) => row.name)).toEqual({
      data: ['a', 'b'],
      nextCursor: encodeCursor({ createdAt: same, id: '00000000-0000-4000-8000-000000000002' }),
    })
  })
})
