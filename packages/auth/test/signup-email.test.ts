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

// The race itself (50 concurrent case variants → one row) is in the contract suite: see contract.test.ts.
describe('sign-up email normalisation', () => {
  it('stores the trimmed address and finds it again in any case', async () => {
    const created = await signUp(test.app, '  Mixed.Case@Example.TEST ')
    expect(created.statusCode).toBe(201)
    expect(created.json().email).toBe('Mixed.Case@Example.TEST')
    const again = await signUp(test.app, 'mixed.case@example.test')
    expect(again.statusCode).toBe(409)
  })
})
