import { randomUUID } from 'node:crypto'
import type { PostgresTestDatabase } from '@shipshape/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createItemsDatabase, type ItemsApp, postItem, startItemsApp } from '../test/items-app.ts'
import { postRawKey } from './testing/http.ts'

let database: PostgresTestDatabase
let test: ItemsApp

beforeAll(async () => {
  database = await createItemsDatabase()
  test = await startItemsApp({ url: database.url })
})

afterAll(async () => {
  await test?.close()
  await database?.destroy()
})

async function countAfter(run: () => Promise<unknown>): Promise<number> {
  const before = await test.countItems()
  await run()
  return (await test.countItems()) - before
}

describe('a key that is not 1-255 visible ASCII characters', () => {
  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a tab inside', 'a\tb'],
    ['a space inside', 'a b'],
  ])('answers 400 invalid_idempotency_key for %s, with no effect', async (_name, key) => {
    let response: Awaited<ReturnType<typeof postItem>> | undefined
    const effects = await countAfter(async () => {
      response = await postItem(test.baseUrl, key, { name: 'x' })
    })
    expect(response?.status).toBe(400)
    expect(response?.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(JSON.parse(response?.text ?? '')).toMatchObject({ status: 400, code: 'invalid_idempotency_key' })
    expect(effects).toBe(0)
  })

  it('answers 400 for non-ASCII bytes and control characters sent raw', async () => {
    const keys = [Buffer.from('ключ'), Buffer.from([0x61, 0x7f, 0x62]), Buffer.from([0x61, 0x01, 0x62])]
    const effects = await countAfter(async () => {
      for (const key of keys) {
        const response = await postRawKey(`${test.baseUrl}/items`, {}, key, { name: 'raw' })
        expect(response.status).toBe(400)
      }
      const utf8 = await postRawKey(`${test.baseUrl}/items`, {}, Buffer.from('ключ'), { name: 'raw' })
      expect(JSON.parse(utf8.body)).toMatchObject({ code: 'invalid_idempotency_key' })
    })
    expect(effects).toBe(0)
  })

  it('accepts 255 characters', async () => {
    const response = await postItem(test.baseUrl, 'k'.repeat(255), { name: 'long key' })
    expect(response.status).toBe(201)
  })
})

describe('Idempotency-Key on a create route', () => {
  it('without the header, every request is processed', async () => {
    const effects = await countAfter(async () => {
      expect((await postItem(test.baseUrl, undefined, { name: 'a' })).status).toBe(201)
      expect((await postItem(test.baseUrl, undefined, { name: 'a' })).status).toBe(201)
    })
    expect(effects).toBe(2)
  })

  it('the same key with another body answers 422 idempotency_key_reused', async () => {
    const key = randomUUID()
    expect((await postItem(test.baseUrl, key, { name: 'first' })).status).toBe(201)
    const effects = await countAfter(async () => {
      const reused = await postItem(test.baseUrl, key, { name: 'second' })
      expect(reused.status).toBe(422)
      expect(reused.headers.get('content-type')).toMatch(/^application\/problem\+json/)
      expect(JSON.parse(reused.text)).toMatchObject({ status: 422, code: 'idempotency_key_reused' })
    })
    expect(effects).toBe(0)
  })

  it('replays the stored status, headers and bytes, marked Idempotent-Replayed', async () => {
    const key = randomUUID()
    const first = await postItem(test.baseUrl, key, { name: 'replayed', extra: undefined })
    expect(first.status).toBe(201)
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    const effects = await countAfter(async () => {
      const again = await postItem(test.baseUrl, key, { name: 'replayed' })
      expect(again.status).toBe(201)
      expect(again.text).toBe(first.text)
      expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'))
      expect(again.headers.get('location')).toBe(first.headers.get('location'))
      expect(again.headers.get('idempotent-replayed')).toBe('true')
      expect(again.headers.get('x-not-stored')).toBeNull()
    })
    expect(effects).toBe(0)
  })

  it('two callers with the same key are independent', async () => {
    const key = randomUUID()
    const effects = await countAfter(async () => {
      const alice = await postItem(test.baseUrl, key, { name: 'same' }, { 'x-test-user': 'alice' })
      const bob = await postItem(test.baseUrl, key, { name: 'same' }, { 'x-test-user': 'bob' })
      const bobOther = await postItem(test.baseUrl, `${key}-2`, { name: 'other' }, { 'x-test-user': 'bob' })
      expect([alice.status, bob.status, bobOther.status]).toEqual([201, 201, 201])
      expect(bob.text).not.toBe(alice.text)
      expect(bob.headers.get('idempotent-replayed')).toBeNull()
      const aliceOther = await postItem(test.baseUrl, key, { name: 'different' }, { 'x-test-user': 'alice' })
      expect(aliceOther.status).toBe(422)
    })
    expect(effects).toBe(3)
  })

  it('a 5xx keeps nothing: the effect is rolled back and the key is free to retry', async () => {
    const key = randomUUID()
    const effects = await countAfter(async () => {
      const rolledBack = await countAfter(async () => {
        const failed = await postItem(test.baseUrl, key, { name: 'flaky' }, { 'x-fail': '1' })
        expect(failed.status).toBe(500)
      })
      expect(rolledBack).toBe(0)
      const retried = await postItem(test.baseUrl, key, { name: 'flaky' })
      expect(retried.status).toBe(201)
      expect(retried.headers.get('idempotent-replayed')).toBeNull()
    })
    expect(effects).toBe(1)
  })

  it('a 4xx is stored and replayed, with the effect it committed', async () => {
    const key = randomUUID()
    const effects = await countAfter(async () => {
      const rejected = await postItem(test.baseUrl, key, { name: 'rejected' }, { 'x-reject': '1' })
      expect(rejected.status).toBe(409)
      const again = await postItem(test.baseUrl, key, { name: 'rejected' })
      expect(again.status).toBe(409)
      expect(again.text).toBe(rejected.text)
      expect(again.headers.get('idempotent-replayed')).toBe('true')
    })
    expect(effects).toBe(1)
  })

  it('a route that did not opt in ignores the header', async () => {
    const key = randomUUID()
    const effects = await countAfter(async () => {
      for (let i = 0; i < 2; i += 1) {
        const response = await fetch(`${test.baseUrl}/plain`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify({ name: 'plain' }),
        })
        expect(response.status).toBe(201)
      }
    })
    expect(effects).toBe(2)
  })
})
