import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

/** ok; fail: every call 503; slow: answers after `slowMs`; flap: every other call 503; down: resets. */
export type ProviderMode = 'ok' | 'fail' | 'slow' | 'flap' | 'down'

type Refund = { id: string; paymentIntent: string }

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
}

/**
 * A Stripe-like payment provider on loopback for the payment tests: POST /v1/refunds with a Bearer key and an
 * Idempotency-Key refunds once per key (a repeated key answers the first refund again, as Stripe does). Its
 * mode is switched at run time to make it slow, failing, flapping or unreachable.
 */
export async function startFakeProvider(options: { apiKey: string; slowMs?: number }) {
  let mode: ProviderMode = 'ok'
  let calls = 0
  const refunds = new Map<string, Refund>()
  const server = createServer(async (request, response) => {
    calls++
    if (mode === 'down') {
      request.socket.destroy()
      return
    }
    if (mode === 'fail' || (mode === 'flap' && calls % 2 === 1)) {
      response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"unavailable"}')
      return
    }
    try {
      const body = await readJson(request)
      const key = request.headers['idempotency-key']
      if (request.headers.authorization !== `Bearer ${options.apiKey}`) {
        response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}')
        return
      }
      if (request.method !== 'POST' || request.url !== '/v1/refunds' || typeof key !== 'string') {
        response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad request"}')
        return
      }
      // A slow provider still does the work: the caller that gave up has refunded all the same.
      const refund = refunds.get(key) ?? {
        id: `re_${randomUUID()}`,
        paymentIntent: String(body.payment_intent),
      }
      refunds.set(key, refund)
      if (mode === 'slow') await sleep(options.slowMs ?? 1_000)
      const answer = {
        id: refund.id,
        object: 'refund',
        status: 'succeeded',
        payment_intent: refund.paymentIntent,
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
    } catch {
      // The caller hung up mid-request (its timeout): nothing left to answer.
      response.destroy()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    setMode(next: ProviderMode) {
      mode = next
    },
    /** Every request that reached the provider, answered or not. */
    get calls() {
      return calls
    },
    /** The refunds made for one payment: more than one would be money paid back twice. */
    refundsFor(paymentIntent: string): Refund[] {
      return [...refunds.values()].filter((refund) => refund.paymentIntent === paymentIntent)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
