import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signUp, type TestApp } from './helpers/test-app.ts'
import { createTestDatabase, type TestDatabase } from './helpers/test-database.ts'

let database: TestDatabase
let test: TestApp

beforeAll(async () => {
  database = await createTestDatabase()
  test = await buildTestApp(database)
})
afterAll(async () => {
  await test?.close()
  await database?.drop()
})

/** Fifty spellings of one address that differ only in letter case (and surrounding spaces). */
function getCaseVariants(local: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const cased = [...`${local}@example.test`]
      .map((ch, j) => ((i >> (j % 8)) & 1 ? ch.toUpperCase() : ch))
      .join('')
    return i % 3 === 0 ? `  ${cased} ` : cased
  })
}

describe('concurrent sign-ups', () => {
  it('50 concurrent sign-ups of one email in different cases create exactly one account, every round', async () => {
    for (let round = 0; round < 5; round++) {
      const local = `racer${round}`
      const responses = await Promise.all(getCaseVariants(local, 50).map((email) => signUp(test.app, email)))
      const statuses = responses.map((response) => response.statusCode)
      expect(statuses.filter((status) => status === 201)).toHaveLength(1)
      expect(statuses.filter((status) => status === 409)).toHaveLength(49)
      for (const response of responses.filter((r) => r.statusCode === 409)) {
        expect(response.json()).toMatchObject({ code: 'email_taken', status: 409 })
      }
      const rows = await database.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM users WHERE lower(email) = $1',
        [`${local}@example.test`],
      )
      expect(rows[0]?.count).toBe(1)
    }
  })

  it('stores the trimmed address and finds it again in any case', async () => {
    const created = await signUp(test.app, '  Mixed.Case@Example.TEST ')
    expect(created.statusCode).toBe(201)
    expect(created.json().email).toBe('Mixed.Case@Example.TEST')
    const again = await signUp(test.app, 'mixed.case@example.test')
    expect(again.statusCode).toBe(409)
  })
})
