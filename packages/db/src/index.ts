export { createDatabase } from './create-database.ts'
export {
  afterCursor,
  type Cursor,
  cursorParams,
  cursorPlaceholders,
  decodeCursor,
  encodeCursor,
  type KeysetColumns,
  newestFirst,
  toPage,
} from './cursor.ts'
export {
  DatabaseMigrationError,
  DatabaseMigrationsPendingError,
  DatabaseUnavailableError,
} from './errors.ts'
export { mapDatabaseError } from './map-database-error.ts'
export { createMigrationCheck, type MigrationCheckOptions } from './migration-check.ts'
export type { MigrationOptions, MigrationResult } from './run-migrations.ts'
export { runMigrations } from './run-migrations.ts'
export type {
  AppDatabase,
  Database,
  DatabaseOptions,
  PingOptions,
  PoolOptions,
} from './types.ts'
