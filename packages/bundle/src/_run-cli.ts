/**
 * Runs a bin's `main` and sets its exit code: 1 on an error. An error of `expected` (a refusal whose message
 * says what to do) or a bad flag prints `<name>: <message>`; anything else keeps its stack.
 */
export function runCli(
  name: string,
  main: () => Promise<number>,
  expected: new (...args: never[]) => Error,
): void {
  main().then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      const known =
        error instanceof expected || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true
      process.stderr.write(`${name}: ${known ? (error as Error).message : String((error as Error).stack)}\n`)
      process.exitCode = 1
    },
  )
}
