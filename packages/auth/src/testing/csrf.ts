import { describe, expect, it } from 'vitest'
import { createContractClient, type Response } from './client.ts'
import { getAreaOverrides } from './overrides.ts'
import type { AuthContractOptions } from './types.ts'

const FOREIGN_ORIGINS = ['https://evil.example', 'null']

export function describeCsrf(options: AuthContractOptions): void {
  const { path, createBody, updateBody } = options.resource
  describe('auth contract: CSRF on cookie-authenticated unsafe requests', async () => {
    const service = await options.setup(getAreaOverrides())
    const client = createContractClient(service, options.allowedOrigin)
    const sendWith = (
      method: 'POST' | 'PATCH' | 'DELETE',
      url: string,
      headers: Record<string, string>,
      payload: unknown,
    ) =>
      client.send({
        method,
        url,
        headers: { 'content-type': 'application/json', ...headers },
        payload: JSON.stringify(payload),
      })
    const expectCsrfFailed = (response: Response, label: string) => {
      expect(response.statusCode, `${label}: ${response.body}`).toBe(403)
      expect(response.json()).toMatchObject({ code: 'csrf_failed' })
    }

    it(`a cross-site Origin, or none, on a cookie-authenticated POST ${path} → 403 csrf_failed`, async () => {
      const { cookie } = await client.startSession()
      for (const origin of FOREIGN_ORIGINS) {
        expectCsrfFailed(await sendWith('POST', path, { origin, cookie }, createBody), origin)
      }
      expectCsrfFailed(await sendWith('POST', path, { cookie }, createBody), 'no Origin, no Referer')
      const referer = await sendWith(
        'POST',
        path,
        { referer: 'https://evil.example/page', cookie },
        createBody,
      )
      expectCsrfFailed(referer, 'a foreign Referer')
      expectCsrfFailed(
        await sendWith('POST', '/auth/logout', { origin: 'https://evil.example', cookie }, {}),
        'logout',
      )
    })

    it('a cross-site PATCH or DELETE of an existing row → 403, and the row survives', async () => {
      const { cookie } = await client.startSession()
      const created = await client.sendJson('POST', path, createBody, cookie)
      expect(created.statusCode, created.body).toBe(201)
      const url = `${path}/${created.json().id}`
      expectCsrfFailed(
        await sendWith('PATCH', url, { origin: 'https://evil.example', cookie }, updateBody),
        'PATCH',
      )
      expectCsrfFailed(
        await sendWith('DELETE', url, { origin: 'https://evil.example', cookie }, {}),
        'DELETE',
      )
      const after = await client.send({ method: 'GET', url, headers: { cookie } })
      expect(after.statusCode).toBe(200)
      expect(after.json()).toEqual(created.json())
    })

    it(`the allowed Origin on POST ${path} → not 403 (created)`, async () => {
      const { cookie } = await client.startSession()
      const response = await sendWith('POST', path, { origin: options.allowedOrigin, cookie }, createBody)
      expect(response.statusCode, response.body).not.toBe(403)
      expect(response.statusCode).toBe(201)
    })

    it('a text/plain, form or multipart body with the cookie → 415, even from the allowed Origin', async () => {
      const { cookie } = await client.startSession()
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      ]) {
        const headers = { origin: options.allowedOrigin, cookie, 'content-type': type }
        const response = await sendWith('POST', path, headers, createBody)
        expect(response.statusCode, type).toBe(415)
        expect(response.json()).toMatchObject({ code: 'unsupported_media_type' })
      }
    })
  })
}
