import type { Redis } from 'ioredis'

export interface WindowCount {
  count: number
  resetInMs: number
}

/** Fixed-window counters. A window starts at a key's first hit and is never extended by later hits. */
export interface ThrottleStore {
  hit(key: string, windowMs: number): Promise<WindowCount>
  /** Takes one hit back, if the window still exists. */
  refund(key: string): Promise<void>
  reset(key: string): Promise<void>
}

/**
 * In-process counters. Bounded: past `maxKeys` the oldest window is dropped, so a flood of distinct emails
 * cannot grow memory without limit (the per-address limit keeps one client from causing that flood).
 */
export function createMemoryThrottleStore(maxKeys = 100_000): ThrottleStore {
  const windows = new Map<string, { count: number; resetAt: number }>()
  const getLive = (key: string, now: number) => {
    const entry = windows.get(key)
    if (entry && entry.resetAt <= now) windows.delete(key)
    return entry && entry.resetAt > now ? entry : undefined
  }
  return {
    async hit(key, windowMs) {
      const now = Date.now()
      let entry = getLive(key, now)
      if (!entry) {
        entry = { count: 0, resetAt: now + windowMs }
        windows.set(key, entry)
        if (windows.size > maxKeys) windows.delete(windows.keys().next().value ?? key)
      }
      entry.count += 1
      return { count: entry.count, resetInMs: entry.resetAt - now }
    },
    async refund(key) {
      const entry = getLive(key, Date.now())
      if (entry && entry.count > 0) entry.count -= 1
    },
    async reset(key) {
      windows.delete(key)
    },
  }
}

// One round trip, atomic: INCR and set the expiry only when the key is new, so hits never extend a window.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { count, redis.call('PTTL', KEYS[1]) }`

const REFUND_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 and tonumber(redis.call('GET', KEYS[1])) > 0 then
  return redis.call('DECR', KEYS[1])
end
return 0`

/** Counters shared by every instance of the service, in Redis. */
export function createRedisThrottleStore(redis: Redis, prefix = 'shipshape:auth:throttle:'): ThrottleStore {
  return {
    async hit(key, windowMs) {
      const reply = await redis.eval(HIT_SCRIPT, 1, prefix + key, windowMs)
      const [count, ttl] = Array.isArray(reply) ? reply.map(Number) : []
      return { count: count ?? 1, resetInMs: Math.max(ttl ?? windowMs, 0) }
    },
    async refund(key) {
      await redis.eval(REFUND_SCRIPT, 1, prefix + key)
    },
    async reset(key) {
      await redis.del(prefix + key)
    },
  }
}
