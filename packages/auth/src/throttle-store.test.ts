import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { createLoginThrottle } from './login-throttle.ts'
import { createMemoryThrottleStore, createRedisThrottleStore, type ThrottleStore } from './throttle-store.ts'

const redisUrl = process.env.REDIS_URL
if (!redisUrl) throw new Error('REDIS_URL is not set: the Redis throttle tests need a real Redis')
const redis = new Redis(redisUrl)
afterAll(() => redis.quit())

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const stores: [string, () => ThrottleStore][] = [
  ['memory', () => createMemoryThrottleStore()],
  ['redis', () => createRedisThrottleStore(redis, `test:${randomBytes(6).toString('hex')}:`)],
]

describe.each(stores)('%s throttle store', (_name, makeStore) => {
  it('counts hits in a fixed window that later hits do not extend', async () => {
    const store = makeStore()
    expect((await store.hit('k', 1000)).count).toBe(1)
    await sleep(400)
    const second = await store.hit('k', 1000)
    expect(second.count).toBe(2)
    expect(second.resetInMs).toBeLessThanOrEqual(650)
    await sleep(700)
    expect((await store.hit('k', 1000)).count).toBe(1)
  })

  it('counts concurrent hits exactly', async () => {
    const store = makeStore()
    const results = await Promise.all(Array.from({ length: 40 }, () => store.hit('burst', 60_000)))
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    )
  })

  it('refunds one hit and resets a key', async () => {
    const store = makeStore()
    await store.hit('r', 60_000)
    await store.hit('r', 60_000)
    await store.refund('r')
    expect((await store.hit('r', 60_000)).count).toBe(2)
    await store.reset('r')
    await store.refund('r')
    expect((await store.hit('r', 60_000)).count).toBe(1)
  })
})

describe('login throttle', () => {
  const limits = { maxFailuresPerAccount: 3, maxFailuresPerAddress: 5, windowSeconds: 60 }

  it('denies the attempt after the account limit with a Retry-After inside the window', async () => {
    const throttle = createLoginThrottle(createMemoryThrottleStore(), limits)
    for (let i = 0; i < 3; i++)
      expect(await throttle.begin('a@x.test', '10.0.0.1')).toEqual({ allowed: true })
    const denied = await throttle.begin('a@x.test', '10.0.0.2')
    expect(denied).toMatchObject({ allowed: false })
    expect(denied.allowed === false && denied.retryAfterSeconds).toBeGreaterThan(0)
    expect(denied.allowed === false && denied.retryAfterSeconds).toBeLessThanOrEqual(60)
  })

  it('denies one address spraying many accounts', async () => {
    const throttle = createLoginThrottle(createMemoryThrottleStore(), limits)
    for (let i = 0; i < 5; i++) expect((await throttle.begin(`u${i}@x.test`, '10.0.0.9')).allowed).toBe(true)
    expect((await throttle.begin('fresh@x.test', '10.0.0.9')).allowed).toBe(false)
    expect((await throttle.begin('fresh@x.test', '10.0.0.10')).allowed).toBe(true)
  })

  it('a success clears the account count and refunds the address', async () => {
    const throttle = createLoginThrottle(createMemoryThrottleStore(), limits)
    for (let i = 0; i < 3; i++) await throttle.begin('b@x.test', '10.0.0.3')
    await throttle.succeed('b@x.test', '10.0.0.3')
    expect((await throttle.begin('b@x.test', '10.0.0.3')).allowed).toBe(true)
  })
})
