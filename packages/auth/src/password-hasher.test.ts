import { hash, parseOptions, verify } from '@node-rs/argon2'
import { describe, expect, it, vi } from 'vitest'
import { createPasswordHasher, owaspArgon2Params } from './password-hasher.ts'

// The real argon2, watched: which hash an unknown account's password is verified against.
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const argon2 = await importOriginal<typeof import('@node-rs/argon2')>()
  return { ...argon2, verify: vi.fn(argon2.verify) }
})

const weak = { memoryCost: 256, timeCost: 1, parallelism: 1 }

describe('password hasher (production parameters)', () => {
  it('writes argon2id PHC strings with the explicit OWASP parameters, not library defaults', async () => {
    const hasher = await createPasswordHasher({ params: owaspArgon2Params, concurrency: 2 })
    const stored = await hasher.hash('correct horse battery staple')
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
    expect(await hasher.verify(stored, 'correct horse battery staple')).toBe(true)
    expect(await hasher.verify(stored, 'correct horse battery stapl')).toBe(false)
    expect(hasher.needsRehash(stored)).toBe(false)
  })

  it("verifies an unknown account's password as a stored hash costs: same parameters and lengths, no match", async () => {
    const hasher = await createPasswordHasher({ params: owaspArgon2Params, concurrency: 1 })
    vi.mocked(verify).mockClear()
    await hasher.verifyDummy('correct horse battery staple')
    expect(verify).toHaveBeenCalledOnce()
    const [dummy, password] = vi.mocked(verify).mock.calls[0] ?? []
    expect(password).toBe('correct horse battery staple')
    const stored = await hash('correct horse battery staple', { ...owaspArgon2Params, algorithm: 2 })
    // Version, memory, passes, lanes, salt and output length: the work argon2 does before it compares.
    expect(parseOptions(String(dummy))).toEqual(parseOptions(stored))
    // Verified, not refused as malformed (which would take no time at all), and never a match.
    await expect(verify(String(dummy), 'correct horse battery staple')).resolves.toBe(false)
  })
})

describe('password hasher', () => {
  it('treats a malformed stored hash as a mismatch, not a crash', async () => {
    const hasher = await createPasswordHasher({ params: weak, concurrency: 1 })
    expect(await hasher.verify('not a hash', 'x')).toBe(false)
    expect(await hasher.verify('$argon2id$v=19$m=1,t=1,p=1$AAAA$AAAA', 'x')).toBe(false)
    await expect(hasher.verifyDummy('anything')).resolves.toBeUndefined()
  })

  it('asks for a rehash when any parameter is below the current ones, or the algorithm differs', async () => {
    const hasher = await createPasswordHasher({ params: owaspArgon2Params, concurrency: 1 })
    const low = await hash('pw', { ...weak, algorithm: 2 })
    const argon2i = await hash('pw', { ...owaspArgon2Params, algorithm: 1 })
    const fewerPasses = await hash('pw', { ...owaspArgon2Params, timeCost: 1, algorithm: 2 })
    expect(hasher.needsRehash(low)).toBe(true)
    expect(hasher.needsRehash(argon2i)).toBe(true)
    expect(hasher.needsRehash(fewerPasses)).toBe(true)
    expect(hasher.needsRehash('$2b$10$bcrypt-looking-thing')).toBe(true)
  })

  it('never runs more hashes at once than its concurrency bound; the rest queue', async () => {
    const hasher = await createPasswordHasher({ params: weak, concurrency: 2 })
    const running = Promise.all(Array.from({ length: 6 }, () => hasher.hash('b')))
    await new Promise((resolve) => setImmediate(resolve))
    expect(hasher.getLoad()).toEqual({ active: 2, queued: 4 })
    await running
    expect(hasher.getLoad()).toEqual({ active: 0, queued: 0 })
  })
})
