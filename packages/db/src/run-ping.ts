import { DatabaseUnavailableError } from './errors.ts'

const DEFAULT_PING_TIMEOUT_MS = 1_000

export function getPingTimeout(timeoutMs: number | undefined): number {
  return timeoutMs ?? DEFAULT_PING_TIMEOUT_MS
}

/** Settles with `work`, or rejects with DatabaseUnavailableError once `timeoutMs` passes, whichever is first. */
export async function runPing(work: () => Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new DatabaseUnavailableError(`The database did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    )
  })
  try {
    await Promise.race([work(), timeout])
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) throw error
    throw new DatabaseUnavailableError('The database did not answer the ping', { cause: error })
  } finally {
    clearTimeout(timer)
  }
}
