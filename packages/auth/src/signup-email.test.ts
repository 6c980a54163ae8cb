import { createServiceTest } from '@shipshape/testing'
import { describe, expect } from 'vitest'
import { authService, signUp } from '../test/auth-app.ts'

// The app and its database are fixtures: made for the file's first test that asks, closed after its last.
const test = createServiceTest(authService())

// The race itself (50 concurrent case variants → one row) is in the contract suite: see testing/contract.test.ts.
describe('sign-up email normalisation', () => {
  test('stores the trimmed address and finds it again in any case', async ({ app, database }) => {
    const created = await signUp(app, '  Mixed.Case@Example.TEST ')
    expect(created.statusCode).toBe(201)
    expect(created.json().email).toBe('Mixed.Case@Example.TEST')
    const again = await signUp(app, 'mixed.case@example.test')
    expect(again.statusCode).toBe(409)
    expect(await database.query('SELECT email FROM users')).toEqual([{ email: 'Mixed.Case@Example.TEST' }])
  })
})
