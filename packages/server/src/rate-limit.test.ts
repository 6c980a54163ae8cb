import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, expectProblem, type TestServer, waitFor } from '../test/test-server.ts'

function getRedisUrl(): string {
  const url = process.env.REDIS_URL
  if (url === undefined || url === '')
    throw new Error('REDIS_URL must point at a real Redis for rate-limit tests')
  return url
}

describe('rate limit in memory', () => {
  let server: TestServer
  let proxied: TestServer
  beforeAll(async () => {
    server = await createTestServer({ rateLimit: { max: 3, timeWindowMs: 60_000 } })
    server.app.get('/items', async () => [])
    proxied = await createTestServer({
      rateLimit: { max: 2, timeWindowMs: 60_000 },
      trustProxy: ['127.0.0.1'],
    })
    proxied.app.get('/ip', async (request) => ({ ip: request.ip }))
  })
  afterAll(async () => {
    await server.app.close()
    await proxied.app.close()
  })

  it('answers the request over the limit with 429 rate_limited and Retry-After', async () => {
    const from = { remoteAddress: '203.0.113.7' }
    for (let index = 0; index < 3; index++) {
      expect((await server.app.inject({ url: '/items', ...from })).statusCode).toBe(200)
    }
    const limited = await server.app.inject({ url: '/items', ...from })
    expectProblem(limited, 429, 'rate_limited')
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(limited.headers['x-content-type-options']).toBe('nosniff')
    expect((await server.app.inject({ url: '/items', remoteAddress: '203.0.113.8' })).statusCode).toBe(200)
  })

  it('never limits the probes', async () => {
    const from = { remoteAddress: '203.0.113.9' }
    for (let index = 0; index < 6; index++) {
      expect((await server.app.inject({ url: '/healthz', ...from })).statusCode).toBe(200)
      expect((await server.app.inject({ url: '/readyz', ...from })).statusCode).toBe(200)
    }
  })

  it('ignores X-Forwarded-For from an untrusted peer, so spoofing cannot mint new keys', async () => {
    const spoof = (index: number) =>
      server.app.inject({
        url: '/items',
        remoteAddress: '198.51.100.1',
        headers: { 'x-forwarded-for': `10.9.9.${index}` },
      })
    const statuses = []
    for (let index = 0; index < 5; index++) statuses.push((await spoof(index)).statusCode)
    expect(statuses).toEqual([200, 200, 200, 429, 429])
  })

  it('keys on the forwarded client when the peer is a trusted proxy', async () => {
    const viaProxy = (client: string) =>
      proxied.app.inject({ url: '/ip', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': client } })
    expect(JSON.parse((await viaProxy('192.0.2.10')).body)).toEqual({ ip: '192.0.2.10' })
    expect((await viaProxy('192.0.2.10')).statusCode).toBe(200)
    expect((await viaProxy('192.0.2.10')).statusCode).toBe(429)
    expect((await viaProxy('192.0.2.11')).statusCode).toBe(200)
  })
})

describe('rate limit shared through real Redis', () => {
  const redisUrl = getRedisUrl()
  const name = `rl-${randomUUID()}`
  let first: TestServer
  let second: TestServer
  let redis: Redis
  beforeAll(async () => {
    redis = new Redis(redisUrl)
    first = await createTestServer({ name, rateLimit: { max: 4, timeWindowMs: 60_000, redisUrl } })
    second = await createTestServer({ name, rateLimit: { max: 4, timeWindowMs: 60_000, redisUrl } })
    for (const { app } of [first, second]) app.get('/items', async () => [])
  })
  afterAll(async () => {
    await first.app.close()
    await second.app.close()
    const keys = await redis.keys(`shipshape-rate-limit:${name}:*`)
    if (keys.length > 0) await redis.del(...keys)
    await redis.quit()
  })

  it('counts requests to two instances against one limit', async () => {
    const from = { remoteAddress: '203.0.113.50' }
    const statuses = []
    for (let index = 0; index < 6; index++) {
      const app = index % 2 === 0 ? first.app : second.app
      statuses.push((await app.inject({ url: '/items', ...from })).statusCode)
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429])
    expect(await redis.keys(`shipshape-rate-limit:${name}:*`)).toHaveLength(1)
  })

  it('keeps one key for a client spoofing X-Forwarded-For through both instances', async () => {
    for (let index = 0; index < 4; index++) {
      const app = index % 2 === 0 ? first.app : second.app
      await app.inject({
        url: '/items',
        remoteAddress: '203.0.113.60',
        headers: { 'x-forwarded-for': `10.0.0.${index}` },
      })
    }
    expect(await redis.keys(`shipshape-rate-limit:${name}:*203.0.113.60*`)).toHaveLength(1)
    expect(await redis.keys(`shipshape-rate-limit:${name}:*10.0.0.*`)).toHaveLength(0)
  })

  it('names its Redis connection and closes it with the app', async () => {
    const ownName = `rl-${randomUUID()}`
    const own = await createTestServer({ name: ownName, rateLimit: { redisUrl } })
    const countClients = async () =>
      ((await redis.client('LIST')) as string)
        .split('\n')
        .filter((line) => line.includes(`name=shipshape-rate-limit:${ownName} `)).length
    await own.app.inject({ url: '/healthz' })
    await waitFor(async () => (await countClients()) === 1)
    await own.app.close()
    expect(await countClients()).toBe(0)
  })
})
