import { Client, type ClientConfig } from 'pg'
import { createUnreachableError } from './unreachable.ts'

export type Execute = (text: string) => Promise<{ rows: unknown[] }>

/**
 * Runs `work` on a connection opened for it alone, never one of the pool's: a probe that queued behind
 * requests would call a saturated but healthy database down. The connection ends right after, without
 * waiting for a server that may have stopped answering.
 */
export async function withProbeConnection<T>(
  config: ClientConfig,
  address: string,
  work: (execute: Execute) => Promise<T>,
): Promise<T> {
  const client = new Client(config)
  // A probe connection that breaks must not crash the process; its pending query rejects instead.
  client.on('error', () => undefined)
  try {
    await client.connect().catch((error: unknown) => {
      throw createUnreachableError(address, error)
    })
    return await work((text) => client.query(text))
  } finally {
    client.end().catch(() => undefined)
  }
}
