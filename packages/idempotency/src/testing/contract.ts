import { randomUUID } from 'node:crypto'
import { expectProblem, getBaseUrl } from '@shipshape/testing'
import type { FastifyInstance } from 'fastify'
import { beforeAll, describe, expect, it } from 'vitest'
import { expectOneOutcome, expectReplayOf } from './assertions.ts'
import type { Answer } from './http.ts'
import { postJson, postRawKey } from './http.ts'

export type IdempotencyContractOptions = {
  /** A ready app (the service's own buildApp) on a PostgreSQL database, closed by the service after the file; called in beforeAll. */
  setup: () => Promise<{ app: FastifyInstance; baseUrl?: string }>
  /** Headers that authenticate a caller on the create route (cookies + Origin); a function so the service can sign up users; `caller` distinguishes two users. */
  authenticate: (app: FastifyInstance, caller: 'a' | 'b') => Promise<Record<string, string>>
  /** The create route and a valid body, e.g. { path: '/bookings', body: { name: 'x' } }; and how to count rows the route created. */
  create: {
    path: string
    body: Record<string, unknown>
    otherBody: Record<string, unknown>
    countRows: () => Promise<number>
  }
}

type Caller = 'a' | 'b'

const TIMEOUT_MS = 60_000

/**
 * Declares the Idempotency-Key contract of a create route as vitest tests, run against the service's own
 * app over real HTTP: invalid keys, a 20-request race on one key, reuse with another body, replay, and
 * per-caller scopes. Call it at the top level of a test file; the service closes its app in afterAll.
 */
export function describeIdempotencyContract(options: IdempotencyContractOptions): void {
  const { create } = options
  let url = ''
  const callers: Record<Caller, Record<string, string>> = { a: {}, b: {} }
  const post = (caller: Caller, key: string | undefined, body: unknown = create.body): Promise<Answer> =>
    postJson(url, callers[caller], key, body)
  const countNewRows = async (run: () => Promise<unknown>): Promise<number> => {
    const before = await create.countRows()
    await run()
    return (await create.countRows()) - before
  }

  describe(`Idempotency-Key contract of POST ${create.path}`, () => {
    beforeAll(async () => {
      const { app, baseUrl } = await options.setup()
      url = new URL(create.path, baseUrl ?? (await getBaseUrl(app))).href
      callers.a = await options.authenticate(app, 'a')
      callers.b = await options.authenticate(app, 'b')
    }, TIMEOUT_MS)

    it(
      'without a key, every POST runs the route and countRows sees each row',
      async () => {
        const created = await countNewRows(async () => {
          expect((await post('a', undefined)).status).toBe(201)
          expect((await post('a', undefined)).status).toBe(201)
        })
        expect(created).toBe(2)
      },
      TIMEOUT_MS,
    )

    it(
      'answers 400 invalid_idempotency_key with no effect for a key that is not 1-255 visible ASCII characters',
      async () => {
        const created = await countNewRows(async () => {
          for (const key of ['', 'k'.repeat(256), 'a b', 'a\tb']) {
            expectProblem(await post('a', key), 400, 'invalid_idempotency_key')
          }
          const utf8 = await postRawKey(url, callers.a, Buffer.from('ключ'), create.body)
          expect(utf8.status).toBe(400)
          expect(JSON.parse(utf8.body)).toMatchObject({ code: 'invalid_idempotency_key' })
          // Node's own HTTP parser may refuse these bytes before the app sees them: still a 400.
          for (const key of [Buffer.from([0x61, 0x01, 0x62]), Buffer.from([0x61, 0x7f, 0x62])]) {
            expect((await postRawKey(url, callers.a, key, create.body)).status).toBe(400)
          }
        })
        expect(created).toBe(0)
        expect((await post('a', 'k'.repeat(255))).status).toBe(201)
      },
      TIMEOUT_MS,
    )

    it(
      '20 concurrent POSTs with one key and body: one row, every 201 byte-identical, then a replay',
      async () => {
        const key = randomUUID()
        let original: Answer | undefined
        const created = await countNewRows(async () => {
          const answers = await Promise.all(Array.from({ length: 20 }, () => post('a', key)))
          original = expectOneOutcome(answers)
        })
        expect(created).toBe(1)
        if (original === undefined) throw new Error('no original response')
        const replayed = original
        expect(await countNewRows(async () => expectReplayOf(await post('a', key), replayed))).toBe(0)
      },
      TIMEOUT_MS,
    )

    it(
      'the same key with another body answers 422 idempotency_key_reused and runs nothing',
      async () => {
        const key = randomUUID()
        expect((await post('a', key)).status).toBe(201)
        const created = await countNewRows(async () => {
          expectProblem(await post('a', key, create.otherBody), 422, 'idempotency_key_reused')
        })
        expect(created).toBe(0)
      },
      TIMEOUT_MS,
    )

    it(
      'a retry after completion replays the status and bytes with Idempotent-Replayed, and runs nothing',
      async () => {
        const key = randomUUID()
        const first = await post('a', key)
        expect(first.status).toBe(201)
        expect(first.headers.get('idempotent-replayed')).toBeNull()
        const created = await countNewRows(async () => {
          expectReplayOf(await post('a', key), first)
          expectReplayOf(await post('a', key), first)
        })
        expect(created).toBe(0)
      },
      TIMEOUT_MS,
    )

    it(
      'two callers using the same key are independent',
      async () => {
        const key = randomUUID()
        let fromA: Answer | undefined
        const created = await countNewRows(async () => {
          fromA = await post('a', key)
          const fromB = await post('b', key)
          expect([fromA.status, fromB.status]).toEqual([201, 201])
          expect(fromB.headers.get('idempotent-replayed')).toBeNull()
          expectProblem(await post('b', key, create.otherBody), 422, 'idempotency_key_reused')
        })
        expect(created).toBe(2)
        if (fromA === undefined) throw new Error('no response for caller a')
        expectReplayOf(await post('a', key), fromA)
      },
      TIMEOUT_MS,
    )
  })
}
