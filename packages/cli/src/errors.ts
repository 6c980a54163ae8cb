/** A command line the CLI cannot act on: unknown flag, missing argument. Exit code 2, as POSIX tools do. */
export class UsageError extends Error {
  readonly code = 'SHIPSHAPE_USAGE'
  readonly exitCode = 2

  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}
