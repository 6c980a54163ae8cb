import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import type * as IORedis from 'ioredis'
import { ProblemError } from './problem.ts'

// ioredis (~90 ms and ~15 MiB to load) is loaded only when a Redis URL is configured, through a dynamic
// import() a bundler can follow (a createRequire'd `require` would be resolved from the service).

export interface RateLimitOptions {
  /** Requests per client address per window; default 100. */
  max?: number
  /** Default 60 000 (one minute). */
  timeWindowMs?: number
  /** Share the counters between instances through Redis; default in-process memory. */
  redisUrl?: string
}

/**
 * One global limit per client address (`request.ip`, which honours only the trusted proxies, so a spoofed
 * X-Forwarded-For cannot mint fresh keys). With Redis, a Redis outage fails open: the API stays up unlimited
 * rather than down, and each command is bounded so a hung Redis cannot hang requests.
 */
export async function registerRateLimit(app: FastifyInstance, name: string, options: RateLimitOptions) {
  const redis = options.redisUrl === undefined ? undefined : await createRedis(app, name, options.redisUrl)
  await app.register(rateLimit, {
    global: true,
    max: options.max ?? 100,
    timeWindow: options.timeWindowMs ?? 60_000,
    ...(redis === undefined ? {} : { redis, nameSpace: `shipshape-rate-limit:${name}:`, skipOnError: true }),
    errorResponseBuilder: (_request, context) =>
      new ProblemError({
        status: 429,
        code: 'rate_limited',
        detail: `Too many requests; retry in ${context.after}.`,
      }),
  })
}

async function createRedis(app: FastifyInstance, name: string, url: string): Promise<IORedis.Redis> {
  const { Redis } = await import('ioredis')
  const redis = new Redis(url, {
    connectionName: `shipshape-rate-limit:${name}`,
    connectTimeout: 2_000,
    commandTimeout: 500,
    maxRetriesPerRequest: 1,
  })
  redis.on('error', (error: Error) => app.log.warn({ err: error }, 'rate-limit redis error'))
  app.addHook('onClose', async () => {
    await redis.quit().catch(() => redis.disconnect())
  })
  return redis
}
