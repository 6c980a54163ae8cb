import { describe, expect, it } from 'vitest'
import { resolvePoolSettings } from './pool-settings.ts'

// The service contract: a request that needs an unreachable database gets 503 within 2 s, as its client
// measures it. The pool's budgets are only part of a request: parsing, authentication, the answer and a
// busy machine's scheduling take the rest, so the budgets must not spend the whole 2 s between them.
const CONTRACT_MS = 2_000
const HEADROOM_MS = 250

describe('the default budgets leave the rest of a request time within the contract', () => {
  const { pool } = resolvePoolSettings('postgres://service@127.0.0.1/app')
  const wait = pool.connectionTimeoutMillis ?? Number.POSITIVE_INFINITY
  const statement = Number(pool.statement_timeout)
  const silent = pool.query_timeout ?? Number.POSITIVE_INFINITY

  it('a full wait for a connection, then a statement the server cancels (a locked table)', () => {
    expect(wait + statement).toBeLessThanOrEqual(CONTRACT_MS - 2 * HEADROOM_MS)
  })

  it('a full wait for a connection, then a statement the server never answers (a partition)', () => {
    expect(wait + silent).toBeLessThanOrEqual(CONTRACT_MS - HEADROOM_MS)
  })
})
