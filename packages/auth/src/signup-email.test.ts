import { setupTestService } from '@shipshape/testing'
import { describe, expect, it } from 'vitest'
import { authService, signUp } from '../test/auth-app.ts'

const { app } = await setupTestService(authService())

// The race itself (50 concurrent case variants → one row) is in the contract suite: see contract.test.ts.
describe('sign-up email normalisation', () => {
  it('stores the trimmed address and finds it again in any case', async () => {
    const created = await signUp(app, '  Mixed.Case@Example.TEST ')
    expect(created.statusCode).toBe(201)
    expect(created.json().email).toBe('Mixed.Case@Example.TEST')
    const again = await signUp(app, 'mixed.case@example.test')
    expect(again.statusCode).toBe(409)
  })
})
