import type { PoolClient } from 'pg'

type Callback = (error: unknown, result: unknown) => void

function isReadTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout'
}

/**
 * pg's `query_timeout` stops waiting but leaves the statement in flight and the connection busy. In a
 * transaction drizzle's ROLLBACK then queues behind a statement that may never be answered (a partition),
 * doubling the wait past the budget, and the connection goes back to the pool still wedged. Destroying the
 * socket at the timeout fails whatever is queued on it at once, marks the client unusable so the pool drops
 * it, and lets a server that can still hear end the session, which rolls its transaction back.
 */
export function endOnReadTimeout(client: PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  const destroy = () => {
    const { connection } = client as unknown as { connection?: { stream?: { destroy: () => void } } }
    connection?.stream?.destroy()
  }
  const guarded = (...args: unknown[]): unknown => {
    const callback = args.at(-1)
    if (typeof callback === 'function') {
      args[args.length - 1] = (error: unknown, result: unknown) => {
        if (isReadTimeout(error)) destroy()
        ;(callback as Callback)(error, result)
      }
      return query(...args)
    }
    const result = query(...args)
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if (isReadTimeout(error)) destroy()
      })
    }
    return result
  }
  Object.assign(client, { query: guarded })
}
