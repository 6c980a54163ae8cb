import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, expectProblem, parseJson, type TestServer } from '../test/test-server.ts'

describe('health routes', () => {
  let server: TestServer
  let databaseUp = true
  let hangAborted: unknown
  beforeAll(async () => {
    server = await createTestServer({
      readinessTimeoutMs: 200,
      readinessChecks: {
        database: async () => {
          if (!databaseUp) throw new Error('connect ECONNREFUSED 127.0.0.1:5432 password=hunter2')
        },
        cache: () => true,
      },
    })
  })
  afterAll(() => server.app.close())

  it('answers /healthz with 200 and checks nothing', async () => {
    databaseUp = false
    const response = await server.app.inject({ url: '/healthz' })
    databaseUp = true
    expect(response.statusCode).toBe(200)
    expect(parseJson(response.body)).toEqual({ status: 'ok' })
  })

  it('answers /readyz with every check when all pass', async () => {
    const response = await server.app.inject({ url: '/readyz' })
    expect(response.statusCode).toBe(200)
    expect(parseJson(response.body)).toEqual({ status: 'ok', checks: { database: 'ok', cache: 'ok' } })
    expect(response.headers['cache-control']).toBe('no-store')
  })

  it('names the failed check in a 503 without its error message, then recovers', async () => {
    databaseUp = false
    const down = await server.app.inject({ url: '/readyz' })
    const body = expectProblem(down, 503, 'unavailable')
    expect(body.checks).toEqual({ database: 'failed', cache: 'ok' })
    expect(body.detail).toContain('database')
    expect(down.body).not.toMatch(/ECONNREFUSED|hunter2/)
    expect(down.headers['cache-control']).toBe('no-store')
    databaseUp = true
    expect((await server.app.inject({ url: '/readyz' })).statusCode).toBe(200)
  })

  it('answers 503 promptly when a check hangs past its timeout, and aborts the check', async () => {
    const hanging = await createTestServer({
      readinessTimeoutMs: 100,
      readinessChecks: {
        database: (signal) =>
          new Promise((resolve) => {
            signal.addEventListener('abort', () => {
              hangAborted = signal.reason
            })
            setTimeout(resolve, 60_000).unref()
          }),
      },
    })
    const response = await hanging.app.inject({ url: '/readyz' })
    await hanging.app.close()
    expect(expectProblem(response, 503, 'unavailable').checks).toEqual({ database: 'timeout' })
    expect(hangAborted).toBeInstanceOf(Error)
  })

  it('treats a check that resolves false as failed', async () => {
    const falsy = await createTestServer({ readinessChecks: { queue: () => Promise.resolve(false) } })
    const response = await falsy.app.inject({ url: '/readyz' })
    await falsy.app.close()
    expect(expectProblem(response, 503, 'unavailable').checks).toEqual({ queue: 'failed' })
  })

  it('answers /readyz with 200 and no checks when none are configured', async () => {
    const bare = await createTestServer()
    const response = await bare.app.inject({ url: '/readyz' })
    await bare.app.close()
    expect(parseJson(response.body)).toEqual({ status: 'ok', checks: {} })
  })

  it('publishes an OpenAPI document at /openapi.json', async () => {
    const response = await server.app.inject({ url: '/openapi.json' })
    expect(response.statusCode).toBe(200)
    const document = parseJson(response.body)
    expect(document.openapi).toMatch(/^3\.1/)
    expect(document.info).toEqual({ title: 'test', version: '0.0.0' })
    expect(Object.keys(document.paths as object)).toEqual(expect.arrayContaining(['/healthz', '/readyz']))
  })
})
