import { randomBytes, randomInt } from 'node:crypto'
import type { TestDatabase } from '@shipshape/testing'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AuthApp,
  buildAuthApp,
  createAuthDatabase,
  getRedisUrl,
  jsonHeaders,
  logIn,
  STRONG_PASSWORD,
  signUp,
} from '../test/auth-app.ts'

const WINDOW_SECONDS = 2
let database: TestDatabase
let redis: Redis

beforeAll(async () => {
  database = await createAuthDatabase()
  redis = new Redis(getRedisUrl())
})
afterAll(async () => {
  await redis?.quit()
  await database?.destroy()
})

const randomAddress = () => `198.51.${randomInt(0, 255)}.${randomInt(1, 254)}`
const randomEmail = () => `victim-${randomBytes(5).toString('hex')}@example.test`
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.each(['memory', 'redis'] as const)('login throttling (%s)', (backend) => {
  let test: AuthApp
  beforeAll(async () => {
    test = await buildAuthApp(database, {
      throttle: {
        maxFailuresPerAccount: 3,
        maxFailuresPerAddress: 6,
        windowSeconds: WINDOW_SECONDS,
        ...(backend === 'redis' ? { redis } : {}),
      },
    })
  })
  afterAll(() => test?.close())

  it('the failure after the account limit → 429 with Retry-After; then even the right password → 429', async () => {
    const email = randomEmail()
    await signUp(test.app, email)
    for (let i = 0; i < 3; i++) {
      expect((await logIn(test.app, email, 'wrong guess number one', randomAddress())).statusCode).toBe(401)
    }
    const throttled = await logIn(test.app, email, 'wrong guess number two', randomAddress())
    expect(throttled.statusCode).toBe(429)
    expect(throttled.json()).toMatchObject({ code: 'rate_limited', status: 429 })
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(Number(throttled.headers['retry-after'])).toBeLessThanOrEqual(WINDOW_SECONDS)
    const right = await logIn(test.app, email, STRONG_PASSWORD, randomAddress())
    expect(right.statusCode).toBe(429)
    expect(right.headers['set-cookie']).toBeUndefined()
  })

  it('the throttle ends when the window ends, and the right password works again', async () => {
    const email = randomEmail()
    await signUp(test.app, email)
    for (let i = 0; i < 4; i++) await logIn(test.app, email, 'wrong guess again', randomAddress())
    expect((await logIn(test.app, email, STRONG_PASSWORD, randomAddress())).statusCode).toBe(429)
    await sleep(WINDOW_SECONDS * 1000 + 300)
    expect((await logIn(test.app, email, STRONG_PASSWORD, randomAddress())).statusCode).toBe(200)
  })

  it('one address trying many emails is throttled', async () => {
    const address = randomAddress()
    const statuses: number[] = []
    for (let i = 0; i < 8; i++)
      statuses.push((await logIn(test.app, randomEmail(), 'some guess', address)).statusCode)
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401])
    expect(statuses.slice(6)).toEqual([429, 429])
  })

  it('a spoofed X-Forwarded-For from an untrusted peer does not reset the address limit', async () => {
    const address = randomAddress()
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) {
      const response = await test.app.inject({
        method: 'POST',
        url: '/auth/login',
        headers: { ...jsonHeaders(), 'x-forwarded-for': randomAddress(), 'x-real-ip': randomAddress() },
        payload: { email: randomEmail(), password: 'some guess' },
        remoteAddress: address,
      })
      statuses.push(response.statusCode)
    }
    expect(statuses.slice(6)).toEqual([429, 429])
  })

  it('concurrent guesses cannot overshoot the account limit', async () => {
    const email = randomEmail()
    await signUp(test.app, email)
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => logIn(test.app, email, 'parallel wrong guess', randomAddress())),
    )
    expect(responses.filter((response) => response.statusCode === 401)).toHaveLength(3)
    expect(responses.filter((response) => response.statusCode === 429)).toHaveLength(9)
  })
})

describe('login throttling with Redis down', () => {
  it('fails closed: 503 unavailable, promptly, never an unthrottled login', async () => {
    const test = await buildAuthApp(database, { throttle: { redis: 'redis://127.0.0.1:1' } })
    try {
      const email = randomEmail()
      await signUp(test.app, email)
      const response = await logIn(test.app, email, STRONG_PASSWORD, randomAddress())
      expect(response.statusCode).toBe(503)
      expect(response.json()).toMatchObject({ code: 'unavailable' })
      expect(response.headers['set-cookie']).toBeUndefined()
    } finally {
      await test.close()
    }
  })
})
