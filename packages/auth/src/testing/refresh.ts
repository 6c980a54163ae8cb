import { getCookieHeader } from '@shipshape/testing'
import { describe, expect, it } from 'vitest'
import { createContractClient } from './client.ts'
import { getAreaOverrides } from './overrides.ts'
import type { AuthContractOptions } from './types.ts'

export function describeRefresh(options: AuthContractOptions): void {
  describe('auth contract: refresh tokens', async () => {
    const service = await options.setup(getAreaOverrides())
    const client = createContractClient(service, options.allowedOrigin)

    it('a used refresh token again → 401 and the whole login revoked: its access tokens → 401 on GET /auth/me', async () => {
      const { cookie: first } = await client.startSession()
      const rotated = await client.refresh(first)
      expect(rotated.statusCode).toBe(200)
      const second = getCookieHeader(rotated)
      expect((await client.me(second)).statusCode).toBe(200)

      const replay = await client.refresh(first)
      expect(replay.statusCode).toBe(401)
      expect(replay.json()).toMatchObject({ code: 'unauthenticated' })
      // The legitimate holder's newer tokens die with the family, access token included.
      expect((await client.me(first)).statusCode).toBe(401)
      expect((await client.me(second)).statusCode).toBe(401)
      expect((await client.refresh(second)).statusCode).toBe(401)
    })

    it('concurrent refreshes with one token → at most one 200, the others 401', async () => {
      for (let round = 0; round < 4; round++) {
        const { cookie } = await client.startSession()
        const results = await Promise.all([
          client.refresh(cookie),
          client.refresh(cookie),
          client.refresh(cookie),
        ])
        const statuses = results.map((response) => response.statusCode)
        expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(1)
        expect(
          statuses.every((status) => status === 200 || status === 401),
          String(statuses),
        ).toBe(true)
      }
    })

    it('a bogus refresh token → 401; logout → 204 and both tokens dead server-side', async () => {
      const bogus = await client.refresh('__Secure-refresh=not-a-real-token; refresh=not-a-real-token')
      expect(bogus.statusCode).toBe(401)
      const { cookie } = await client.startSession()
      expect((await client.sendJson('POST', '/auth/logout', undefined, cookie)).statusCode).toBe(204)
      expect((await client.me(cookie)).statusCode).toBe(401)
      expect((await client.refresh(cookie)).statusCode).toBe(401)
    })
  })
}
