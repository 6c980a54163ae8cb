import { randomBytes } from 'node:crypto'
import { hash, parseOptions, verify } from '@node-rs/argon2'
import pLimit from 'p-limit'

/** argon2id cost parameters; memory in KiB. */
export interface Argon2Params {
  memoryCost: number
  timeCost: number
  parallelism: number
}

/** OWASP's minimum for argon2id (m=19 MiB, t=2, p=1). Production never goes below it. */
export const owaspArgon2Params: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 }

/** Numeric value of `Algorithm.Argon2id` in @node-rs/argon2 (an ambient const enum, unusable here). */
const ARGON2ID = 2

export interface PasswordHasher {
  hash(password: string): Promise<string>
  /** Verifies against a stored PHC string; a malformed hash is a mismatch, never a throw. */
  verify(storedHash: string, password: string): Promise<boolean>
  /** Spends the same work as `verify` for an account that does not exist, so timing hides which emails exist. */
  verifyDummy(password: string): Promise<void>
  /** True when the hash is not argon2id or was made with weaker parameters than the current ones. */
  needsRehash(storedHash: string): boolean
  /** Hashes computing now and hashes waiting for a slot (a saturation signal for metrics and tests). */
  getLoad(): { active: number; queued: number }
}

export interface PasswordHasherOptions {
  params: Argon2Params
  /**
   * Hashes run on libuv's thread pool (4 threads unless UV_THREADPOOL_SIZE says otherwise), which pg's DNS
   * look-ups and fs also use. Bounding concurrent hashes below the pool size makes a login burst queue here
   * instead of starving those.
   */
  concurrency: number
}

export async function createPasswordHasher(options: PasswordHasherOptions): Promise<PasswordHasher> {
  const limit = pLimit(options.concurrency)
  const argonOptions = { algorithm: ARGON2ID, ...options.params }
  const hashPassword = (password: string) => limit(() => hash(password, argonOptions))
  const verifyPassword = (storedHash: string, password: string) =>
    limit(() => verify(storedHash, password)).catch(() => false)
  const dummyHash = makeDummyHash(options.params)

  return {
    hash: hashPassword,
    verify: verifyPassword,
    async verifyDummy(password) {
      await verifyPassword(dummyHash, password)
    },
    needsRehash: (storedHash) => isWeakerThan(storedHash, options.params),
    getLoad: () => ({ active: limit.activeCount, queued: limit.pendingCount }),
  }
}

const PHC_VERSION = 19
const SALT_BYTES = 16
const DIGEST_BYTES = 32

/**
 * What an unknown account's password is verified against: a PHC string with the current parameters, the salt
 * and digest lengths `hash` writes, and random bytes for both. argon2 runs over the same memory and passes as
 * for a stored hash, then finds no match; no hash is computed at start (one took ~15 ms on a thread here,
 * which the start waited for).
 */
function makeDummyHash(params: Argon2Params): string {
  const base64 = (bytes: number) => randomBytes(bytes).toString('base64').replace(/=+$/, '')
  const cost = `m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism}`
  return `$argon2id$v=${PHC_VERSION}$${cost}$${base64(SALT_BYTES)}$${base64(DIGEST_BYTES)}`
}

function isWeakerThan(storedHash: string, params: Argon2Params): boolean {
  try {
    const parsed = parseOptions(storedHash)
    return (
      parsed.algorithm !== ARGON2ID ||
      parsed.memoryCost < params.memoryCost ||
      parsed.timeCost < params.timeCost ||
      parsed.parallelism < params.parallelism
    )
  } catch {
    return true
  }
}
