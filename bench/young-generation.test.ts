import { createScratchDatabase } from '@shipshape/testing'
import autocannon from 'autocannon'
import { afterAll, expect, it } from 'vitest'
import { median } from './median.ts'
import { ADMIN_URL, assertBuilt, migrate, signUpAndSeed, startService, stop, stopAll } from './service.ts'

afterAll(stopAll)

/** Bytes each scavenge moved to the old generation, from V8's `--trace-gc-nvp` lines. */
function promotedBytes(lines: string[]): number[] {
  return lines
    .filter((line) => line.includes(' gc=s '))
    .map((line) => Number(/ promoted=(\d+)/.exec(line)?.[1]))
}

// V8 decides from a few scavenges which object literals live long and allocates them in the old generation
// from then on (allocation-site pretenuring). In a service it decided so for sites of the request path: after
// a sign-up had read the ~30,000 common passwords into a Set, the process promoted ~750 kB a scavenge instead
// of ~4-25 kB, collected its old generation every few seconds under load and served ~6 % slower for the rest
// of its life (bench/README.md, the twenty-first pass). The CMD turns pretenuring off. Not a timed test: it
// counts bytes the collector promoted, ~200 times apart between the two cases (4 of 4 runs failed without
// the flag, as the CMD was before it).
it('keeps request objects in the young generation after a sign-up has read the common-password list', async () => {
  assertBuilt()
  const scratch = await createScratchDatabase(ADMIN_URL)
  try {
    await migrate(scratch.url)
    // The account to list is made by a process of its own, as the bench makes it.
    const seeder = await startService(scratch.url, {})
    const cookie = await signUpAndSeed(seeder.url, 20)
    await stop(seeder.child)
    const lines: string[] = []
    const service = await startService(
      scratch.url,
      {},
      { nodeArgs: ['--trace-gc-nvp'], onLine: (line) => lines.push(line) },
    )
    const refused = await fetch(`${service.url}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: service.url },
      body: JSON.stringify({ email: 'someone@example.com', password: '123456789987654321' }),
    })
    expect(refused.status).toBe(400)
    expect(((await refused.json()) as { detail?: string }).detail).toMatch(/commonly used passwords/)
    const list = (amount: number) =>
      autocannon({ url: `${service.url}/preferences?limit=20`, connections: 32, amount, headers: { cookie } })
    expect((await list(6_000)).non2xx).toBe(0)
    lines.length = 0
    const measured = await list(20_000)
    await stop(service.child)
    expect(measured.non2xx + measured.errors).toBe(0)
    const promoted = promotedBytes(lines)
    expect(promoted.length).toBeGreaterThan(20)
    expect(median(promoted), `bytes promoted a scavenge: ${promoted.join(' ')}`).toBeLessThan(200_000)
  } finally {
    await scratch.drop()
  }
}, 120_000)
