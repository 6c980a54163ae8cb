import { DatabaseUnavailableError } from './errors.ts'

/** `host:port` of a PostgreSQL URL: enough to say where, never the user or password. */
export function getDatabaseAddress(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`
  } catch {
    return 'the configured address'
  }
}

/** The socket error code (ECONNREFUSED, ENOTFOUND...), looking inside the AggregateError Node reports. */
function getReason(error: unknown): string {
  const { code, errors } = (error ?? {}) as { code?: unknown; errors?: unknown }
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = getReason(inner)
      if (found !== 'no answer') return found
    }
  }
  return 'no answer'
}

/**
 * A connection that could not be opened, as one line an operator can act on: "cannot reach the database at
 * db:5432 (ECONNREFUSED)". The driver's error stays in `cause`.
 */
export function createUnreachableError(address: string, error: unknown): DatabaseUnavailableError {
  return new DatabaseUnavailableError(`cannot reach the database at ${address} (${getReason(error)})`, {
    cause: error,
  })
}
