import { randomBytes } from 'node:crypto'
import type { AuthPluginOptions } from '../options.ts'

type TestArgon2Params = NonNullable<AuthPluginOptions['testArgon2Params']>

/** Cheap argon2 for test suites that are not about hashing cost (pass as `testArgon2Params`). */
export const cheapArgon2Params: TestArgon2Params = {
  params: { memoryCost: 256, timeCost: 1, parallelism: 1 },
  unsafeTestOnly: true,
}

/** Known to the suite only, so it can sign tokens with the service's real key and flip one flaw at a time. */
export const CONTRACT_JWT_SECRET = randomBytes(32).toString('base64url')

/** High enough that only the brute-force area ever meets the throttle. */
const RELAXED_THROTTLE = { maxFailuresPerAccount: 1000, maxFailuresPerAddress: 100_000, windowSeconds: 60 }

/** The overrides every area passes to `setup`: the suite's key, cheap hashing, a relaxed throttle. */
export function getAreaOverrides(extra: Partial<AuthPluginOptions> = {}): Partial<AuthPluginOptions> {
  return {
    jwtSecret: CONTRACT_JWT_SECRET,
    testArgon2Params: cheapArgon2Params,
    throttle: RELAXED_THROTTLE,
    ...extra,
  }
}
