import type { ClientConfig, PoolConfig } from 'pg'
import { DatabaseConfigError } from './errors.ts'
import type { PoolOptions } from './types.ts'

const QUERY_TIMEOUT_MARGIN_MS = 2_000

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
    throw new DatabaseConfigError('The database URL must start with postgres:// or postgresql://')
  }
}

function readPositiveInteger(options: PoolOptions, name: keyof PoolOptions, fallback: number): number {
  const value = options[name] ?? fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new DatabaseConfigError(`pool.${name} must be a positive integer`)
  }
  return value
}

export function resolvePoolSettings(url: string, options: PoolOptions = {}): PoolSettings {
  const statementTimeoutMs = readPositiveInteger(options, 'statementTimeoutMs', 10_000)
  const connection: ClientConfig = {
    connectionString: url,
    connectionTimeoutMillis: readPositiveInteger(options, 'connectionTimeoutMs', 5_000),
    application_name: options.applicationName ?? 'shipshape',
    // TCP keep-alive notices a peer that vanished without closing the socket (a dropped NAT entry, a
    // killed VM), so such a connection fails instead of hanging until the query timeout.
    keepAlive: true,
  }
  const pool: PoolConfig = {
    ...connection,
    max: readPositiveInteger(options, 'max', 10),
    idleTimeoutMillis: readPositiveInteger(options, 'idleTimeoutMs', 30_000),
    statement_timeout: statementTimeoutMs,
    query_timeout: readPositiveInteger(
      options,
      'queryTimeoutMs',
      statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS,
    ),
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
