import { randomInt } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createContractClient, createEmail } from './client.ts'
import { getAreaOverrides } from './overrides.ts'
import { listenOnLoopback, postOverSocket } from './socket-request.ts'
import type { AuthContractOptions } from './types.ts'

const LIMITS = { maxFailuresPerAccount: 3, maxFailuresPerAddress: 6, windowSeconds: 60 }
const EXPECTED_BY_ADDRESS = [401, 401, 401, 401, 401, 401, 429, 429]

/** A documentation address (RFC 5737) that no service lists as a trusted proxy. */
const getRandomAddress = () => `198.51.100.${randomInt(1, 255)}`

export function describeBruteForce(options: AuthContractOptions): void {
  describe('auth contract: brute force', async () => {
    const service = await options.setup(getAreaOverrides({ throttle: LIMITS }))
    const client = createContractClient(service, options.allowedOrigin)

    it('failure 4 for one account (limit 3) → 429 rate_limited with Retry-After; then the right password → 429', async () => {
      const { email, password } = await client.startSession()
      for (let attempt = 0; attempt < LIMITS.maxFailuresPerAccount; attempt++) {
        const failed = await client.logIn(email, 'a wrong guess of decent length', getRandomAddress())
        expect(failed.statusCode).toBe(401)
      }
      const throttled = await client.logIn(email, 'another wrong guess of length', getRandomAddress())
      expect(throttled.statusCode).toBe(429)
      expect(throttled.json()).toMatchObject({ code: 'rate_limited', status: 429 })
      const retryAfter = Number(throttled.headers['retry-after'])
      expect(retryAfter).toBeGreaterThanOrEqual(1)
      expect(retryAfter).toBeLessThanOrEqual(LIMITS.windowSeconds)
      const right = await client.logIn(email, password, getRandomAddress())
      expect(right.statusCode).toBe(429)
      expect(right.headers['set-cookie']).toBeUndefined()
    })

    it('one address trying many emails → 429 once past its limit (6)', async () => {
      const statuses: number[] = []
      for (let attempt = 0; attempt < EXPECTED_BY_ADDRESS.length; attempt++) {
        const response = await client.logIn(createEmail('sprayed'), 'a sprayed common guess', '203.0.113.7')
        statuses.push(response.statusCode)
      }
      expect(statuses).toEqual(EXPECTED_BY_ADDRESS)
    })

    it('spoofed X-Forwarded-For from an untrusted peer (a real socket) does not reset the address limit', async () => {
      const port = await listenOnLoopback(service.app)
      const statuses: number[] = []
      for (let attempt = 0; attempt < EXPECTED_BY_ADDRESS.length; attempt++) {
        const spoofed = getRandomAddress()
        const response = await postOverSocket(
          port,
          '/auth/login',
          { email: createEmail('spoofed'), password: 'a spoofed common guess' },
          { 'x-forwarded-for': spoofed, 'x-real-ip': spoofed, forwarded: `for=${spoofed}` },
        )
        statuses.push(response.statusCode)
      }
      expect(statuses).toEqual(EXPECTED_BY_ADDRESS)
    })
  })
}
