import { describe, expect, it } from 'vitest'
import { setupService } from './setup.ts'

const { app } = await setupService()

describe('the service contract', () => {
  it('GET /healthz is 200 and checks nothing', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ok' })
  })

  it('GET /readyz is 200 while the database answers, and never cached', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
  })

  it.each(['/healthz', '/preferences', '/nowhere', '/preferences/not-a-uuid'])(
    'security headers on %s',
    async (url) => {
      const response = await app.inject({ method: 'GET', url })
      expect(response.headers['x-content-type-options']).toBe('nosniff')
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'")
      expect(response.headers['x-powered-by']).toBeUndefined()
      expect(response.headers['x-request-id']).toEqual(expect.any(String))
    },
  )

  it('a 404 is problem+json with the request id and nothing internal', async () => {
    const response = await app.inject({ method: 'GET', url: '/nowhere' })
    expect(response.statusCode).toBe(404)
    const body = response.json()
    expect(body).toMatchObject({
      status: 404,
      code: 'not_found',
      requestId: response.headers['x-request-id'],
    })
    expect(JSON.stringify(body)).not.toMatch(/stack|node_modules|\.ts:|SELECT/i)
  })

  it('router-level errors are 4xx problem+json', async () => {
    for (const url of ['/preferences/%E0%A4%A', `/preferences/${'x'.repeat(5000)}`]) {
      const response = await app.inject({ method: 'GET', url })
      expect(response.statusCode).toBeGreaterThanOrEqual(400)
      expect(response.statusCode).toBeLessThan(500)
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    }
  })

  it('publishes its OpenAPI document', async () => {
    const response = await app.inject({ method: 'GET', url: '/openapi.json' })
    expect(response.statusCode).toBe(200)
    expect(Object.keys(response.json().paths)).toEqual(
      expect.arrayContaining(['/preferences', '/preferences/{id}']),
    )
  })
})
