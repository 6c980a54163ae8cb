import { getBaseUrl } from '@shipshape/testing'
import type { FastifyInstance } from 'fastify'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Delivery, DeliveryAnswer } from './_delivery.ts'
import { createDeliveryId, createOtherSecret, postDelivery, signDelivery } from './_delivery.ts'

export type WebhookContractOptions = {
  setup: () => Promise<{ app: FastifyInstance }>
  /** The service's configured source name, scheme 'standard', and its whsec_ secret (the service's test config sets it). */
  source: string
  secret: string
  /** How many times the service's handler took effect for a given webhook-id (e.g. count rows of webhook_deliveries or of the service's own effect table). */
  countEffects: (id: string) => Promise<number>
}

const TIMEOUT_MS = 60_000
/** Past the 300 s tolerance of the contract by a minute, so clock jitter cannot make it pass. */
const OFF_BY_SECONDS = 360

type Refusal = readonly [name: string, build: (id: string, secret: string) => Delivery]

const refusals: readonly Refusal[] = [
  ['a tampered body', (id, secret) => ({ ...signDelivery({ id, secret }), body: '{"type":"tampered"}' })],
  ['a wrong secret', (id) => signDelivery({ id, secret: createOtherSecret() })],
  [
    'a stale timestamp',
    (id, secret) => signDelivery({ id, secret, timestampSeconds: getNow() - OFF_BY_SECONDS }),
  ],
  [
    'a future timestamp',
    (id, secret) => signDelivery({ id, secret, timestampSeconds: getNow() + OFF_BY_SECONDS }),
  ],
  ...['webhook-id', 'webhook-timestamp', 'webhook-signature'].map(
    (name): Refusal => [
      `no ${name} header`,
      (id, secret) => withoutHeader(signDelivery({ id, secret }), name),
    ],
  ),
]

/**
 * Declares the webhook contract of `POST /webhooks/<source>` as vitest tests, run against the service's own
 * app over real HTTP: bad signatures are refused with no effect, and a delivery takes effect once however
 * often and however concurrently it arrives. Call it at the top level of a test file; the service closes its
 * app in afterAll.
 */
export function describeWebhookContract(options: WebhookContractOptions): void {
  let baseUrl = ''
  const deliver = (delivery: Delivery, source = options.source): Promise<DeliveryAnswer> =>
    postDelivery(baseUrl, source, delivery)

  describe(`webhook contract of POST /webhooks/${options.source}`, () => {
    beforeAll(async () => {
      const { app } = await options.setup()
      baseUrl = await getBaseUrl(app)
    }, TIMEOUT_MS)

    it(
      'a first valid delivery answers 2xx and takes effect once; a redelivery answers 2xx and does not',
      async () => {
        const delivery = signDelivery({ id: createDeliveryId(), secret: options.secret })
        expectSuccess(await deliver(delivery))
        expect(await options.countEffects(delivery.id)).toBe(1)
        expectSuccess(await deliver(delivery))
        expect(await options.countEffects(delivery.id)).toBe(1)
      },
      TIMEOUT_MS,
    )

    it(
      '10 concurrent copies of one delivery all answer 2xx and take effect once',
      async () => {
        const delivery = signDelivery({ id: createDeliveryId(), secret: options.secret })
        const answers = await Promise.all(Array.from({ length: 10 }, () => deliver(delivery)))
        for (const answer of answers) expectSuccess(answer)
        expect(await options.countEffects(delivery.id)).toBe(1)
      },
      TIMEOUT_MS,
    )

    it.each(refusals)(
      '%s answers 401 with no effect, and leaves the id free for a valid delivery',
      async (_name, build) => {
        const id = createDeliveryId()
        const answer = await deliver(build(id, options.secret))
        expect(answer.status).toBe(401)
        expect(answer.type).toMatch(/^application\/problem\+json/)
        expect(JSON.parse(answer.text)).toMatchObject({ status: 401, code: 'invalid_signature' })
        expect(await options.countEffects(id)).toBe(0)
        expectSuccess(await deliver(signDelivery({ id, secret: options.secret })))
        expect(await options.countEffects(id)).toBe(1)
      },
      TIMEOUT_MS,
    )

    it(
      'an unknown source answers 404 not_found with no effect',
      async () => {
        for (const source of [`${options.source}-unknown`, '__proto__']) {
          const delivery = signDelivery({ id: createDeliveryId(), secret: options.secret })
          const answer = await deliver(delivery, source)
          expect(answer.status).toBe(404)
          expect(answer.type).toMatch(/^application\/problem\+json/)
          expect(JSON.parse(answer.text)).toMatchObject({ status: 404, code: 'not_found' })
          expect(await options.countEffects(delivery.id)).toBe(0)
        }
      },
      TIMEOUT_MS,
    )
  })
}

/** A 2xx; on failure the message carries the body, which says why the service refused. */
function expectSuccess(answer: DeliveryAnswer): void {
  expect(answer.status, answer.text).toBeGreaterThanOrEqual(200)
  expect(answer.status, answer.text).toBeLessThan(300)
}

function withoutHeader(delivery: Delivery, name: string): Delivery {
  const headers = { ...delivery.headers }
  delete headers[name]
  return { ...delivery, headers }
}

function getNow(): number {
  return Math.floor(Date.now() / 1000)
}
