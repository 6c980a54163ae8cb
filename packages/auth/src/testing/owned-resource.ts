import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createContractClient } from './client.ts'
import { getAreaOverrides } from './overrides.ts'
import type { AuthContractOptions } from './types.ts'

export function describeOwnedResource(options: AuthContractOptions): void {
  const { path, createBody, updateBody } = options.resource
  describe(`auth contract: owner-scoped ${path} (BOLA)`, async () => {
    const service = await options.setup(getAreaOverrides())
    const client = createContractClient(service, options.allowedOrigin)
    const read = (url: string, cookie?: string) =>
      client.send({ method: 'GET', url, headers: cookie ? { cookie } : {} })

    it("user B's GET, PATCH and DELETE of user A's row → 404, and A's row is unchanged", async () => {
      const alice = await client.startSession()
      const bob = await client.startSession()
      const created = await client.sendJson('POST', path, createBody, alice.cookie)
      expect(created.statusCode, created.body).toBe(201)
      const url = `${path}/${created.json().id}`
      const before = await read(url, alice.cookie)
      expect(before.statusCode).toBe(200)

      const attempts = [
        await read(url, bob.cookie),
        await client.sendJson('PATCH', url, updateBody, bob.cookie),
        await client.sendJson('DELETE', url, undefined, bob.cookie),
      ]
      for (const response of attempts) expect(response.statusCode, response.body).toBe(404)
      const list = await read(path, bob.cookie)
      if (list.statusCode === 200) expect(list.body).not.toContain(created.json().id)

      const after = await read(url, alice.cookie)
      expect(after.statusCode).toBe(200)
      expect(after.json()).toEqual(before.json())
    })

    it('the owner can PATCH and DELETE the row (so the 404s above were about ownership)', async () => {
      const alice = await client.startSession()
      const created = await client.sendJson('POST', path, createBody, alice.cookie)
      const url = `${path}/${created.json().id}`
      const patched = await client.sendJson('PATCH', url, updateBody, alice.cookie)
      expect(patched.statusCode, patched.body).toBe(200)
      expect(patched.json()).toMatchObject(updateBody)
      const deleted = await client.sendJson('DELETE', url, undefined, alice.cookie)
      expect(deleted.statusCode, deleted.body).toBeLessThan(300)
      expect((await read(url, alice.cookie)).statusCode).toBe(404)
    })

    it('unauthenticated GET, POST, PATCH and DELETE → 401', async () => {
      const alice = await client.startSession()
      const created = await client.sendJson('POST', path, createBody, alice.cookie)
      const url = `${path}/${created.json().id}`
      const responses = [
        await read(path),
        await read(url),
        await read(`${path}/${randomUUID()}`),
        await client.sendJson('POST', path, createBody),
        await client.sendJson('PATCH', url, updateBody),
        await client.sendJson('DELETE', url),
      ]
      for (const response of responses) {
        expect(response.statusCode, response.body).toBe(401)
        expect(response.json()).toMatchObject({ code: 'unauthenticated' })
      }
      expect((await read(url, alice.cookie)).json()).toEqual(created.json())
    })
  })
}
