import { OptionsError } from '@shipshape/errors'
import type { ClientConfig, PoolConfig } from 'pg'
import type { PoolOptions } from './types.ts'

/**
 * The budgets behind the contract's "a request that needs an unreachable database gets 503 within 2 s":
 * waiting for a pooled connection or opening one, then one statement, take at most 1 500 ms (1 750 ms when the
 * server went silent and the client's limit ends it). The rest of the 2 s is the request's own: parsing,
 * authentication, the answer, a busy machine's scheduling. 750 ms here left none (750 + 1 250), and a locked
 * table under CI load was answered in 2.2 s.
 */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 500
export const DEFAULT_STATEMENT_TIMEOUT_MS = 1_000
// The client gives up this long after the server would have cancelled: the server's cancel comes first
// whenever the server is there, so a statement the client gave up on is one the server rolled back.
const QUERY_TIMEOUT_MARGIN_MS = 250

export interface PoolSettings {
  pool: PoolConfig
  /** The settings for a dedicated migration connection: same server, no statement or query timeout. */
  migrationClient: ClientConfig
  /** The settings for a readiness probe's own short-lived connection, given the probe's time limit. */
  getProbeClient: (timeoutMs: number) => ClientConfig
}

export function assertPostgresUrl(url: string): void {
  // The URL carries the password: name the problem, never echo the value.
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new OptionsError(
      'SHIPSHAPE_DB_URL_INVALID',
      'The database URL must start with postgres:// or postgresql://',
    )
  }
}

function readPositiveInteger(options: PoolOptions, name: keyof PoolOptions, fallback: number): number {
  const value = options[name] ?? fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new OptionsError('SHIPSHAPE_DB_POOL_LIMIT_INVALID', `pool.${name} must be a positive integer`)
  }
  return value
}

export function resolvePoolSettings(url: string, options: PoolOptions = {}): PoolSettings {
  const statementTimeoutMs = readPositiveInteger(options, 'statementTimeoutMs', DEFAULT_STATEMENT_TIMEOUT_MS)
  const queryTimeoutMs = readPositiveInteger(
    options,
    'queryTimeoutMs',
    statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS,
  )
  // A client that gives up first leaves a statement running that may still commit: a 503 with a write.
  if (queryTimeoutMs <= statementTimeoutMs) {
    throw new OptionsError(
      'SHIPSHAPE_DB_TIMEOUTS_INVALID',
      'pool.queryTimeoutMs must be longer than pool.statementTimeoutMs',
    )
  }
  const connection: ClientConfig = {
    connectionString: url,
    connectionTimeoutMillis: readPositiveInteger(
      options,
      'connectionTimeoutMs',
      DEFAULT_CONNECTION_TIMEOUT_MS,
    ),
    application_name: options.applicationName ?? 'shipshape',
    // TCP keep-alive notices a peer that vanished without closing the socket (a dropped NAT entry, a
    // killed VM) while the connection sits idle in the pool. Node's default first probe comes after the
    // kernel's two hours; 10 s makes it minutes. The budgets, not keep-alive, bound a request's wait.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  }
  const pool: PoolConfig = {
    ...connection,
    max: readPositiveInteger(options, 'max', 10),
    idleTimeoutMillis: readPositiveInteger(options, 'idleTimeoutMs', 30_000),
    // The server cancels a statement over its budget and aborts its transaction: nothing of it is kept.
    statement_timeout: statementTimeoutMs,
    // The backstop for a server that stopped answering (a dropped-packet partition sends no reset and
    // keep-alive takes minutes to notice): the query fails and pool.query discards its connection.
    query_timeout: queryTimeoutMs,
  }
  const migrationClient: ClientConfig = {
    ...connection,
    application_name: `${connection.application_name}:migrate`,
  }
  // A probe never waits longer than its own limit, whatever the pool allows requests.
  const getProbeClient = (timeoutMs: number): ClientConfig => ({
    ...connection,
    application_name: `${connection.application_name}:probe`,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs,
    keepAlive: false,
  })
  return { pool, migrationClient, getProbeClient }
}
