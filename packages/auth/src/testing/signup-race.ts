import { describe, expect, it } from 'vitest'
import { createContractClient, createPassword } from './client.ts'
import { countUsersWithEmail, isEmbeddedDatabase } from './database-rows.ts'
import { getAreaOverrides } from './overrides.ts'
import type { SignupRaceOptions } from './types.ts'

/** Spellings of one address that differ only in letter case (and, for some, surrounding spaces). */
function getCaseVariants(email: string, count: number): string[] {
  return Array.from({ length: count }, (_, variant) => {
    const cased = [...email].map((char, index) => ((variant >> (index % 8)) & 1 ? char.toUpperCase() : char))
    return variant % 3 === 0 ? `  ${cased.join('')} ` : cased.join('')
  })
}

/**
 * Concurrent sign-ups of one email in different cases end in exactly one account. Needs real PostgreSQL:
 * PGlite runs one statement at a time, so the race would never happen there.
 */
export function describeSignupRace(options: SignupRaceOptions): void {
  const rounds = options.rounds ?? 5
  const concurrency = options.concurrency ?? 50
  describe('auth contract: concurrent sign-ups (PostgreSQL)', async () => {
    const service = await options.setup(getAreaOverrides())
    const client = createContractClient(service, options.allowedOrigin)

    it('runs on PostgreSQL, not the embedded PGlite', async () => {
      expect(await isEmbeddedDatabase(service.db), 'set DATABASE_URL for this *.pg.test.ts file').toBe(false)
    })

    it(`${concurrency} concurrent sign-ups in different cases → one 201, the rest 409 email_taken, one row (${rounds} rounds)`, async () => {
      for (let round = 0; round < rounds; round++) {
        const email = `racer${round}-${createPassword().slice(-10)}@example.test`
        const password = createPassword()
        const responses = await Promise.all(
          getCaseVariants(email, concurrency).map((variant) => client.signUp(variant, password)),
        )
        const statuses = responses.map((response) => response.statusCode)
        expect(
          statuses.filter((status) => status === 201),
          String(statuses),
        ).toHaveLength(1)
        expect(statuses.filter((status) => status === 409)).toHaveLength(concurrency - 1)
        for (const response of responses.filter((candidate) => candidate.statusCode === 409)) {
          expect(response.json()).toMatchObject({ code: 'email_taken', status: 409 })
        }
        expect(await countUsersWithEmail(service.db, email)).toBe(1)
      }
    }, 60_000)
  })
}
