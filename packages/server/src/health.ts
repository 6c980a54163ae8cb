import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { ProblemError, problemSchema } from './problem.ts'

/** Resolves when the dependency answers; rejects, or resolves `false`, when it does not. */
export type ReadinessCheck = (signal: AbortSignal) => unknown

type CheckOutcome = 'ok' | 'failed' | 'timeout'

export interface HealthOptions {
  checks: Readonly<Record<string, ReadinessCheck>>
  timeoutMs: number
}

const tagDescriptions = { health: 'Liveness and readiness probes for the orchestrator.' }

const healthSchema = Type.Object({ status: Type.Literal('ok') })
const readySchema = Type.Object({
  status: Type.Literal('ok'),
  checks: Type.Record(Type.String(), Type.Literal('ok')),
})

/**
 * `/healthz` says the process runs and checks nothing, so a slow database never gets a live pod restarted.
 * `/readyz` runs every check at once, each bounded by `timeoutMs`, so a hung dependency answers 503 promptly.
 */
export function registerHealthRoutes(app: FastifyInstance, options: HealthOptions): void {
  app.get(
    '/healthz',
    {
      schema: { response: { 200: healthSchema } },
      // Probes must never be throttled or shed: a 429 or 503 on liveness would restart a healthy process.
      config: {
        rateLimit: false,
        pressureHandler: () => undefined,
        openapi: {
          summary: 'Liveness: the process runs',
          operationId: 'getHealth',
          tags: ['health'],
          tagDescriptions,
        },
      },
    },
    async () => ({ status: 'ok' as const }),
  )
  app.get(
    '/readyz',
    {
      schema: { response: { 200: readySchema, 503: problemSchema } },
      config: {
        rateLimit: false,
        openapi: {
          summary: 'Readiness: this instance can serve',
          operationId: 'getReadiness',
          tags: ['health'],
          tagDescriptions,
          problems: { 503: ['unavailable'] },
        },
      },
    },
    async (request) => {
      const names = Object.keys(options.checks)
      const outcomes = await Promise.all(
        names.map((name) => runCheck(name, options.checks[name], options.timeoutMs, request.log)),
      )
      const checks = Object.fromEntries(names.map((name, index) => [name, outcomes[index]]))
      const failed = names.filter((name) => checks[name] !== 'ok')
      if (failed.length > 0) {
        throw createNotReady(
          `Not ready: ${failed.map((name) => `${name} (${checks[name]})`).join(', ')}.`,
          checks,
        )
      }
      return { status: 'ok' as const, checks }
    },
  )
}

function createNotReady(detail: string, checks: Record<string, CheckOutcome | undefined>): ProblemError {
  return new ProblemError({
    status: 503,
    code: 'unavailable',
    detail,
    extensions: { checks },
  })
}

interface WarnLogger {
  warn: (object: object, message: string) => void
}

async function runCheck(
  name: string,
  check: ReadinessCheck | undefined,
  timeoutMs: number,
  log: WarnLogger,
): Promise<CheckOutcome> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`readiness check "${name}" timed out after ${timeoutMs} ms`))
      resolve('timeout')
    }, timeoutMs)
  })
  try {
    const answered = Promise.resolve()
      .then(() => check?.(controller.signal))
      .then(
        (result): CheckOutcome => (result === false ? 'failed' : 'ok'),
        (error: unknown): CheckOutcome => {
          // Logged here, not raced: a check that rejects after its timeout must not become an unhandled rejection.
          log.warn({ check: name, err: error }, 'readiness check failed')
          return 'failed'
        },
      )
    const outcome = await Promise.race([answered, timedOut])
    if (outcome === 'timeout') log.warn({ check: name, timeoutMs }, 'readiness check timed out')
    return outcome
  } finally {
    clearTimeout(timer)
  }
}
