import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, logIn, signUp, type TestApp } from './helpers/test-app.ts'
import { createTestDatabase, type TestDatabase } from './helpers/test-database.ts'

let database: TestDatabase
let test: TestApp

// Production argon2 parameters here: the point is that the unknown-email path pays for a full verification.
beforeAll(async () => {
  database = await createTestDatabase()
  test = await buildTestApp(database, {
    testArgon2Params: undefined,
    throttle: { maxFailuresPerAccount: 1000, maxFailuresPerAddress: 1000, windowSeconds: 60 },
  })
  await signUp(test.app, 'known@example.test')
})
afterAll(async () => {
  await test?.close()
  await database?.drop()
})

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/** The response minus what differs per request by design (request id and date). */
function getComparable(response: Awaited<ReturnType<typeof logIn>>) {
  const { requestId: _requestId, ...body } = response.json()
  const { date: _date, 'x-request-id': _id, ...headers } = response.headers
  return { status: response.statusCode, body, headers }
}

describe('account enumeration', () => {
  it('unknown email and wrong password give the same status, headers and bytes', async () => {
    const unknown = await logIn(test.app, 'unknown@example.test', 'a wrong password here')
    const wrong = await logIn(test.app, 'known@example.test', 'a wrong password here')
    expect(unknown.statusCode).toBe(401)
    expect(getComparable(unknown)).toEqual(getComparable(wrong))
    expect(unknown.body.replace(/"requestId":"[^"]*"/, '')).toBe(
      wrong.body.replace(/"requestId":"[^"]*"/, ''),
    )
  })

  it('median times differ by less than 25% of the larger median over 200 interleaved tries each', async () => {
    const times = { unknown: [] as number[], wrong: [] as number[] }
    const measure = async (kind: 'unknown' | 'wrong') => {
      const email = kind === 'unknown' ? 'unknown@example.test' : 'known@example.test'
      const started = performance.now()
      const response = await logIn(test.app, email, 'a wrong password here')
      times[kind].push(performance.now() - started)
      expect(response.statusCode).toBe(401)
    }
    // Interleaved (ABBA) so load from other processes on this 2-core box hits both sides alike.
    for (let i = 0; i < 100; i++) {
      await measure('unknown')
      await measure('wrong')
      await measure('wrong')
      await measure('unknown')
    }
    const a = median(times.unknown)
    const b = median(times.wrong)
    expect(Math.abs(a - b) / Math.max(a, b)).toBeLessThan(0.25)
  }, 180_000)
})
