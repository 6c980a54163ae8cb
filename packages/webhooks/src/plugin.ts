import type { AppDatabase } from '@shipshape/db'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import sjson from 'secure-json-parse'
import { deliveryResponse, getDeliveryDocs } from './_docs.ts'
import { assertSources, getSource, type WebhookSourceConfig } from './_options.ts'
import { sendProblem } from './_problem.ts'
import { recordDelivery, type WebhookTransaction } from './_record.ts'
import type { WebhookHeaders } from './types.ts'
import { verifyWebhook } from './verify.ts'

/** A verified, first-time delivery, handed over inside the transaction that records it. */
export interface WebhookEvent {
  readonly source: string
  readonly id: string
  readonly payload: unknown
  readonly rawBody: Buffer
  readonly headers: WebhookHeaders
  /** Write the effect with this transaction: it commits together with the de-duplication row. */
  readonly tx: WebhookTransaction
}

export interface WebhooksPluginOptions {
  readonly sources: Readonly<Record<string, WebhookSourceConfig>>
  readonly db: AppDatabase
  readonly onEvent: (event: WebhookEvent) => Promise<void>
  /** Largest accepted body in bytes; default 1 MiB. */
  readonly bodyLimit?: number
  /** Allowed clock difference for timestamped schemes; default 300 s. */
  readonly toleranceSeconds?: number
  /**
   * Problems `onEvent` may answer with by throwing a ProblemError (e.g. `{ 409: ['booking_not_ready'] }` for
   * an event that cannot apply yet, so the sender retries), listed in the route's OpenAPI document.
   */
  readonly eventProblems?: Readonly<Record<number, readonly string[]>>
}

const DEFAULT_BODY_LIMIT = 1_048_576

/**
 * Registers `POST /:source` under the caller's prefix. Not wrapped in fastify-plugin on purpose: the raw-body
 * parser must stay inside this encapsulated context so the rest of the app keeps Fastify's JSON parser.
 */
export async function webhooksPlugin(app: FastifyInstance, options: WebhooksPluginOptions): Promise<void> {
  assertSources(options.sources)
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body))
  // A variable, not a literal: `config.openapi` is typed by @shipshape/server, which this package does not import.
  const routeOptions = {
    bodyLimit,
    schema: { response: { 200: deliveryResponse } },
    config: { openapi: getDeliveryDocs(options.sources, options.eventProblems) },
  }
  app.post<{ Params: { source: string } }>('/:source', routeOptions, (request, reply) =>
    handleDelivery(options, request, reply),
  )
}

async function handleDelivery(
  options: WebhooksPluginOptions,
  request: FastifyRequest<{ Params: { source: string } }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const source = request.params.source
  const config = getSource(options.sources, source)
  if (config === undefined) {
    return sendProblem(request, reply, { status: 404, code: 'not_found', detail: 'Unknown webhook source.' })
  }
  const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
  const verified = verifyWebhook(config.scheme, {
    rawBody,
    headers: request.headers,
    secrets: config.secrets,
    toleranceSeconds: options.toleranceSeconds,
  })
  if (!verified.ok) {
    request.log.warn({ source, reason: verified.reason }, 'webhook delivery refused')
    return sendProblem(request, reply, {
      status: 401,
      code: 'invalid_signature',
      detail: 'The webhook signature could not be verified.',
    })
  }
  const payload: unknown = sjson.safeParse(rawBody)
  if (payload === null || payload === undefined) {
    return sendProblem(request, reply, {
      status: 400,
      code: 'validation_failed',
      detail: 'The webhook body is not a JSON document.',
    })
  }
  const delivery = { source, id: verified.id }
  const outcome = await recordDelivery(options.db, delivery, (tx) =>
    options.onEvent({ ...delivery, payload, rawBody, headers: request.headers, tx }),
  )
  request.log.info({ source, deliveryId: verified.id, outcome }, 'webhook delivery handled')
  return reply.code(200).send({ received: true, duplicate: outcome === 'duplicate' })
}
