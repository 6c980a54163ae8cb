import type { ProblemInit } from '@shipshape/errors'
import { DatabaseUnavailableError } from './errors.ts'

const CONFLICT: ProblemInit = {
  status: 409,
  code: 'conflict',
  detail: 'A record with these values already exists.',
}

// An exclusion constraint refused the row: it overlaps one already there (a double booking). A service that
// knows which constraint it was may answer with a more specific code; this is the safe default.
const EXCLUDED: ProblemInit = {
  status: 409,
  code: 'conflict',
  detail: 'The record conflicts with an existing one.',
}

const UNAVAILABLE: ProblemInit = {
  status: 503,
  code: 'unavailable',
  detail: 'The database is unavailable; retry later.',
}

// The transaction was rolled back to let concurrent ones through: a deadlock broken (40P01) or a serializable
// transaction that could not be ordered (40001). Nothing was written, and the same request may succeed
// when retried: 503 with Retry-After, not the 500 of a fault.
const CONTENDED: ProblemInit = {
  status: 503,
  code: 'unavailable',
  detail: 'The request met concurrent ones and was rolled back; retry it.',
}
const CONTENDED_SQLSTATES = new Set(['40P01', '40001'])

// SQLSTATEs meaning "the server cannot serve this now": admin/crash shutdown, starting up, too many
// connections, statement timeout. Class 08 (connection exceptions) is matched by prefix.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014'])

// Node socket errors on the way to the server.
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
])

// node-postgres and PGlite report these conditions by message only, without a code.
const UNAVAILABLE_MESSAGES = new Set([
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
  'Connection terminated unexpectedly',
  'Query read timeout',
  'Cannot use a pool after calling end on the pool',
  'Client was closed and is not queryable',
  'Client has encountered a connection error and is not queryable',
  'PGlite is closed',
])

const MAX_DEPTH = 16

function classify(error: object): ProblemInit | undefined {
  if (error instanceof DatabaseUnavailableError) return UNAVAILABLE
  const { code, message } = error as { code?: unknown; message?: unknown }
  if (code === '23505') return CONFLICT
  if (code === '23P01') return EXCLUDED
  if (typeof code === 'string' && CONTENDED_SQLSTATES.has(code)) return CONTENDED
  // The server ended the session (FATAL/PANIC: not accepting connections, database gone, shutting down):
  // whatever the code, the request failed before doing anything and may be retried.
  const { severity } = error as { severity?: unknown }
  if (severity === 'FATAL' || severity === 'PANIC') return UNAVAILABLE
  if (typeof code === 'string') {
    if (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_ERRNOS.has(code)) return UNAVAILABLE
    if (/^08[0-9A-Z]{3}$/.test(code)) return UNAVAILABLE
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.has(message)) return UNAVAILABLE
  return undefined
}

function getCauses(error: object): unknown[] {
  const { cause, errors } = error as { cause?: unknown; errors?: unknown }
  // AggregateError: Node tries every address of a host name and reports each failure.
  return Array.isArray(errors) ? [cause, ...errors] : [cause]
}

/**
 * Turns a database failure into the problem a client may see, or undefined when it is not one this package
 * knows (the caller's generic 500 handles it). Walks the `cause` chain, because drizzle wraps driver errors
 * in DrizzleQueryError whose message holds the SQL. The result is a fixed text: no driver message,
 * constraint name or SQL ever reaches a client.
 */
export function mapDatabaseError(error: unknown): ProblemInit | undefined {
  const seen = new Set<object>()
  const pending: unknown[] = [error]
  while (pending.length > 0 && seen.size < MAX_DEPTH) {
    const current = pending.shift()
    if (typeof current !== 'object' || current === null || seen.has(current)) continue
    seen.add(current)
    const problem = classify(current)
    if (problem !== undefined) return { ...problem }
    pending.push(...getCauses(current))
  }
  return undefined
}
