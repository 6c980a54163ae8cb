import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify'
import { computeFingerprint } from './fingerprint.ts'
import { isValidIdempotencyKey } from './key.ts'
import type { ResolvedOptions } from './options.ts'
import {
  createInProgressProblem,
  createInvalidKeyProblem,
  createKeyReusedProblem,
  createNotStoredProblem,
} from './problem.ts'
import { captureResponse, readPayload, sendStoredResponse } from './response.ts'
import { runHoldingKey } from './root-guard.ts'
import type { ClaimResult, KeyClaim } from './store.ts'
import { claimKey, completeKey } from './store.ts'
import type { OpenTransaction } from './transaction.ts'
import { openTransaction } from './transaction.ts'

interface PendingKey {
  readonly transaction: OpenTransaction
  readonly claim: KeyClaim
}

interface RunningHandler {
  isSettled(): boolean
  readonly done: Promise<void>
}

const pendingKeys = new WeakMap<FastifyRequest, PendingKey>()
const runningHandlers = new WeakMap<FastifyRequest, RunningHandler>()

/**
 * Wraps a route handler so the plugin knows when it has stopped using the transaction, and runs it, when its
 * request holds a key, where the root database refuses queries (root-guard.ts).
 */
export function trackHandler(handler: RouteHandlerMethod): RouteHandlerMethod {
  return function trackedHandler(this: FastifyInstance, request, reply) {
    const pending = pendingKeys.get(request)
    const result =
      pending === undefined
        ? handler.call(this, request, reply)
        : runHoldingKey(pending.transaction, () => handler.call(this, request, reply))
    if (isPromiseLike(result)) {
      let settled = false
      const settle = () => {
        settled = true
      }
      runningHandlers.set(request, {
        isSettled: () => settled,
        done: Promise.resolve(result).then(settle, settle),
      })
    }
    return result
  }
}

export function createPreHandler(options: ResolvedOptions) {
  return async function idempotencyPreHandler(request: FastifyRequest, reply: FastifyReply) {
    const key = request.headers['idempotency-key']
    if (key === undefined) return
    if (!isValidIdempotencyKey(key)) throw createInvalidKeyProblem()
    const claim: KeyClaim = {
      scope: await options.getScope(request),
      key,
      fingerprint: computeFingerprint(request),
      retentionMs: options.retentionMs,
      idleTimeoutMs: options.idleTimeoutMs,
    }
    const transaction = await openTransaction(options.db)
    const result = await claimKey(transaction.tx, claim).catch(async (error: unknown) => {
      await transaction.rollback()
      throw error
    })
    if (result.kind === 'claimed') {
      pendingKeys.set(request, { transaction, claim })
      request.idempotencyTx = transaction.tx
      return
    }
    await transaction.rollback()
    return answerExisting(reply, result, claim, options)
  }
}

function answerExisting(
  reply: FastifyReply,
  result: Exclude<ClaimResult, { kind: 'claimed' }>,
  claim: KeyClaim,
  options: ResolvedOptions,
): FastifyReply {
  if (result.kind === 'busy') {
    reply.header('retry-after', String(options.retryAfterSeconds))
    throw createInProgressProblem()
  }
  if (result.row.fingerprint !== claim.fingerprint) throw createKeyReusedProblem()
  return sendStoredResponse(reply, result.row)
}

/** Commits the effect with the response it produced (2xx-4xx), or rolls both back (5xx), before sending. */
export function createOnSend(options: ResolvedOptions) {
  async function store(request: FastifyRequest, reply: FastifyReply, payload: unknown, pending: PendingKey) {
    if (reply.statusCode >= 500) {
      await releaseKey(request, pending)
      return payload
    }
    let body: Buffer
    try {
      body = await readPayload(payload)
      await completeKey(
        pending.transaction.tx,
        pending.claim,
        captureResponse(reply, body, options.replayHeaders),
      )
      await pending.transaction.commit()
    } catch (cause) {
      await pending.transaction.rollback()
      throw createNotStoredProblem(cause)
    }
    return body
  }
  // A callback hook, not an async one: a response without a key (most of them) costs no promise.
  return function idempotencyOnSend(
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    done: (error: Error | null, payload?: unknown) => void,
  ): void {
    const pending = takePendingKey(request)
    if (pending === undefined) {
      done(null, payload)
      return
    }
    store(request, reply, payload, pending).then(
      (body) => done(null, body),
      (error: Error) => done(error),
    )
  }
}

/** Rolls back a transaction no response was sent for (a hijacked reply, an aborted send). */
export function releaseUnsentKey(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: (error?: Error) => void,
): void {
  const pending = takePendingKey(request)
  if (pending === undefined) {
    done()
    return
  }
  releaseKey(request, pending).then(() => done(), done)
}

/**
 * Rolls the effect back. When something answered for a handler that still runs (Fastify's handlerTimeout),
 * its later queries must not land on a connection already returned to the pool, so the rollback waits for
 * the handler to stop; the key stays held (409) until then.
 */
async function releaseKey(request: FastifyRequest, pending: PendingKey): Promise<void> {
  const running = runningHandlers.get(request)
  if (running === undefined || running.isSettled()) return pending.transaction.rollback()
  running.done.then(() => pending.transaction.rollback())
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && 'then' in value && typeof value.then === 'function'
}

function takePendingKey(request: FastifyRequest): PendingKey | undefined {
  const pending = pendingKeys.get(request)
  // request.idempotencyTx stays set: a handler that outlives its response keeps writing into the
  // transaction (releaseKey waits for it), never silently into autocommit.
  pendingKeys.delete(request)
  return pending
}
