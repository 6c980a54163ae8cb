/**
 * The database did not answer: refused, timed out, shut down or closed. Maps to 503 `unavailable`; the
 * message never carries the URL, the SQL or the driver's text (those stay in `cause`, for logs only).
 */
export class DatabaseUnavailableError extends Error {
  readonly code = 'SHIPSHAPE_DB_UNAVAILABLE'

  constructor(message = 'The database is unavailable', options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'DatabaseUnavailableError'
  }
}

/**
 * `runMigrations` failed after connecting. drizzle applies every pending migration in one transaction, so
 * none of this run's migrations is left applied; the driver error (with its SQL) is in `cause`.
 */
export class DatabaseMigrationError extends Error {
  readonly code = 'SHIPSHAPE_DB_MIGRATION_FAILED'

  constructor(options: { cause: unknown }) {
    super('Database migrations failed', options)
    this.name = 'DatabaseMigrationError'
  }
}

/**
 * The database answers but lacks migrations the code expects (the service started before `db:migrate`).
 * Readiness reports it as `migrations`; it clears, without a restart, once they are applied.
 */
export class DatabaseMigrationsPendingError extends Error {
  readonly code = 'SHIPSHAPE_DB_MIGRATIONS_PENDING'
  readonly pending: number

  constructor(pending: number) {
    super(`${pending} migration(s) the code expects are not applied; run the service's db:migrate`)
    this.name = 'DatabaseMigrationsPendingError'
    this.pending = pending
  }
}
