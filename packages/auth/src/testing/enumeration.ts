import { beforeAll, describe, expect, it } from 'vitest'
import { createContractClient, createEmail, type Response, type Session } from './client.ts'
import { getPasswordHash } from './database-rows.ts'
import { getAreaOverrides } from './overrides.ts'
import type { AuthContractOptions } from './types.ts'

const TRIES_EACH = 150
const MAX_MEDIAN_GAP = 0.25
const WRONG_PASSWORD = 'a wrong password of decent length'
/** Headers that differ per request by design, or count requests (a rate limiter's, if the service runs one). */
const VARYING_HEADER = /^(date|x-request-id|x-ratelimit-.*|ratelimit-.*)$/

const getMedian = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

/** The response minus what differs per request by design: the request id and the date. */
function getComparable(response: Response) {
  const headers = Object.entries(response.headers).filter(([name]) => !VARYING_HEADER.test(name))
  return {
    status: response.statusCode,
    body: response.body.replace(/"requestId":"[^"]*"/, '"requestId":""'),
    headers: Object.fromEntries(headers),
  }
}

export function describeEnumeration(options: AuthContractOptions): void {
  describe('auth contract: account enumeration', async () => {
    // Production argon2: the point is that an unknown email pays for a full verification too.
    const service = await options.setup(getAreaOverrides({ testArgon2Params: undefined }))
    const client = createContractClient(service, options.allowedOrigin)
    const unknownEmail = createEmail('nobody')
    let known: Session
    beforeAll(async () => {
      known = await client.startSession()
    })

    it('this area hashes with production argon2 parameters (m ≥ 19456 KiB, t ≥ 2)', async () => {
      const hash = (await getPasswordHash(service.db, known.email)) ?? ''
      const [, memory, time] = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=\d+\$/.exec(hash) ?? []
      expect(Number(memory)).toBeGreaterThanOrEqual(19_456)
      expect(Number(time)).toBeGreaterThanOrEqual(2)
    })

    it('unknown email and wrong password → the same status, headers and body bytes except requestId', async () => {
      const unknown = await client.logIn(unknownEmail, WRONG_PASSWORD)
      const wrong = await client.logIn(known.email, WRONG_PASSWORD)
      expect(unknown.statusCode).toBe(401)
      expect(unknown.json()).toMatchObject({ code: 'invalid_credentials' })
      expect(getComparable(unknown)).toEqual(getComparable(wrong))
    })

    it(`median login times differ by < ${MAX_MEDIAN_GAP * 100}% of the larger over ${TRIES_EACH} interleaved tries each`, async () => {
      const times = { unknown: [] as number[], wrong: [] as number[] }
      const measure = async (kind: 'unknown' | 'wrong') => {
        const started = performance.now()
        const response = await client.logIn(kind === 'unknown' ? unknownEmail : known.email, WRONG_PASSWORD)
        times[kind].push(performance.now() - started)
        expect(response.statusCode).toBe(401)
      }
      // Interleaved (ABBA) so load from other processes on a busy machine hits both sides alike.
      for (let round = 0; round < TRIES_EACH / 2; round++) {
        await measure('unknown')
        await measure('wrong')
        await measure('wrong')
        await measure('unknown')
      }
      const unknownMedian = getMedian(times.unknown)
      const wrongMedian = getMedian(times.wrong)
      const gap = Math.abs(unknownMedian - wrongMedian) / Math.max(unknownMedian, wrongMedian)
      expect(gap, `medians ${unknownMedian.toFixed(1)} ms vs ${wrongMedian.toFixed(1)} ms`).toBeLessThan(
        MAX_MEDIAN_GAP,
      )
    }, 120_000)
  })
}
