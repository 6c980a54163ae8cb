import { randomUUID } from 'node:crypto'
import type { PostgresTestDatabase } from '@shipshape/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createItemsDatabase, type ItemsApp, postItem, startItemsApp } from '../test/items-app.ts'
import { expectOneOutcome as expectSharedOutcome } from './testing/assertions.ts'
import type { Answer } from './testing/http.ts'

let database: PostgresTestDatabase
let first: ItemsApp
let second: ItemsApp

beforeAll(async () => {
  database = await createItemsDatabase()
  // Two instances with their own pools on one database, as two replicas of a service would be.
  first = await startItemsApp({ url: database.url, delayMs: 300 })
  second = await startItemsApp({ url: database.url, delayMs: 300 })
})

afterAll(async () => {
  await first?.close()
  await second?.close()
  await database?.destroy()
})

/** The shared burst assertion, plus the exact Retry-After this app is configured with. */
function expectOneOutcome(answers: Answer[]): Answer {
  const original = expectSharedOutcome(answers)
  for (const answer of answers.filter((a) => a.status === 409))
    expect(answer.headers.get('retry-after')).toBe('1')
  return original
}

describe('concurrent requests with one key', () => {
  it('20 at once on one instance: one effect, one outcome, and the replay afterwards is identical', async () => {
    const key = randomUUID()
    const body = { name: 'burst' }
    const before = await first.countItems()
    const answers = await Promise.all(Array.from({ length: 20 }, () => postItem(first.baseUrl, key, body)))
    const original = expectOneOutcome(answers)
    expect((await first.countItems()) - before).toBe(1)
    const replay = await postItem(first.baseUrl, key, body)
    expect(replay.status).toBe(201)
    expect(replay.text).toBe(original.text)
    expect(replay.headers.get('location')).toBe(original.headers.get('location'))
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect((await first.countItems()) - before).toBe(1)
  })

  it('two instances with separate pools racing one key: one effect, replayed by either', async () => {
    const key = randomUUID()
    const body = { name: 'two instances' }
    const before = await first.countItems()
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => postItem((i % 2 === 0 ? first : second).baseUrl, key, body)),
    )
    const original = expectOneOutcome(answers)
    expect((await first.countItems()) - before).toBe(1)
    for (const app of [first, second]) {
      const replay = await postItem(app.baseUrl, key, body)
      expect(replay.status).toBe(201)
      expect(replay.text).toBe(original.text)
    }
    expect((await first.countItems()) - before).toBe(1)
  })

  it('many keys at once each run exactly once', async () => {
    const before = await first.countItems()
    const keys = Array.from({ length: 8 }, () => randomUUID())
    const answers = await Promise.all(
      keys.flatMap((key) => [first, second].map((app) => postItem(app.baseUrl, key, { name: key }))),
    )
    expect(answers.filter((answer) => answer.status === 201).length).toBeGreaterThanOrEqual(keys.length)
    expect((await first.countItems()) - before).toBe(keys.length)
  })

  it('a request for a key still running answers 409 at once, and a replay once it has finished', async () => {
    const release = Promise.withResolvers<void>()
    const effect = Promise.withResolvers<void>()
    const held = await startItemsApp({
      url: database.url,
      hold: release.promise,
      onEffect: () => effect.resolve(),
    })
    try {
      const key = randomUUID()
      const body = { name: 'held' }
      const running = postItem(held.baseUrl, key, body)
      await effect.promise
      for (const app of [held, first]) {
        const busy = await postItem(app.baseUrl, key, body)
        expect(busy.status).toBe(409)
        expect(busy.headers.get('retry-after')).toBe('1')
        expect(JSON.parse(busy.text)).toMatchObject({ code: 'idempotency_in_progress' })
      }
      release.resolve()
      const original = await running
      expect(original.status).toBe(201)
      const replay = await postItem(first.baseUrl, key, body)
      expect(replay.text).toBe(original.text)
      expect(replay.headers.get('idempotent-replayed')).toBe('true')
    } finally {
      release.resolve()
      await held.close()
    }
  })
})
