import type { ThrottleStore } from './throttle-store.ts'

export interface ThrottleLimits {
  maxFailuresPerAccount: number
  maxFailuresPerAddress: number
  windowSeconds: number
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number }

export interface LoginThrottle {
  /** Counts the attempt before the password is checked, so concurrent guesses cannot overshoot the limit. */
  begin(emailKey: string, address: string): Promise<ThrottleDecision>
  /** A success gives the address its attempt back and clears the account's count. */
  succeed(emailKey: string, address: string): Promise<void>
}

/**
 * Throttles by client address first and by account second. A throttled attempt is rejected before the
 * password is checked (so the right password gets 429 too) and cannot extend the window, so a real user is
 * throttled for at most `windowSeconds` after an attacker's last counted failure burst.
 */
export function createLoginThrottle(store: ThrottleStore, limits: ThrottleLimits): LoginThrottle {
  const windowMs = limits.windowSeconds * 1000
  const accountKey = (emailKey: string) => `account:${emailKey}`
  const addressKey = (address: string) => `address:${address}`
  const deny = (resetInMs: number): ThrottleDecision => ({
    allowed: false,
    retryAfterSeconds: Math.max(1, Math.ceil(resetInMs / 1000)),
  })
  return {
    async begin(emailKey, address) {
      const byAddress = await store.hit(addressKey(address), windowMs)
      if (byAddress.count > limits.maxFailuresPerAddress) return deny(byAddress.resetInMs)
      const byAccount = await store.hit(accountKey(emailKey), windowMs)
      if (byAccount.count > limits.maxFailuresPerAccount) return deny(byAccount.resetInMs)
      return { allowed: true }
    },
    async succeed(emailKey, address) {
      await Promise.all([store.reset(accountKey(emailKey)), store.refund(addressKey(address))])
    },
  }
}
