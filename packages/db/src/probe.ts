import { Client, type ClientConfig } from 'pg'
import { type Execute, journalExists, readNewestRecorded } from './journal.ts'
import { createUnreachableError } from './unreachable.ts'

/** What one look at the database finds: that it answers, and how far its migrations are. */
export interface Probe {
  /** Resolves once the server answered a question; rejects when it could not be reached or asked. */
  readonly answered: Promise<void>
  /** The newest applied migration's journal time (undefined when none was), read after `answered`. */
  readonly newestApplied: Promise<number | undefined>
}

/**
 * Probes PostgreSQL on a connection opened for the probe alone, never one of the pool's: a probe that
 * queued behind requests would call a saturated but healthy database down. Whoever asks while a probe runs
 * gets that probe (the readiness checks of one `/readyz`, concurrent `/readyz` requests, the ping at
 * start), so a readiness probe costs the database one connection, not one per check; whoever asks after it
 * settled gets a new one. The connection ends right after, without waiting for a server that may have
 * stopped answering; `getConfig` bounds its wait with the first asker's time limit (each asker also keeps
 * its own).
 */
export function createProbe(
  getConfig: (timeoutMs: number) => ClientConfig,
  address: string,
): (timeoutMs: number) => Probe {
  let running: Probe | undefined
  return (timeoutMs) => {
    if (running !== undefined) return running
    const probe = runProbe(getConfig(timeoutMs), address)
    running = probe
    const forget = () => {
      if (running === probe) running = undefined
    }
    probe.newestApplied.then(forget, forget)
    return probe
  }
}

function runProbe(config: ClientConfig, address: string): Probe {
  const client = new Client(config)
  // A probe connection that breaks must not crash the process; its pending query rejects instead.
  client.on('error', () => undefined)
  const execute: Execute = (text) => client.query(text)
  const exists = client
    .connect()
    .catch((error: unknown) => {
      throw createUnreachableError(address, error)
    })
    .then(() => journalExists(execute))
  const answered = exists.then(() => undefined)
  const newestApplied = exists
    .then((found) => (found ? readNewestRecorded(execute) : undefined))
    .finally(() => client.end().catch(() => undefined))
  // An asker may want one of the two only; the other must not become an unhandled rejection.
  for (const outcome of [answered, newestApplied]) outcome.catch(() => undefined)
  return { answered, newestApplied }
}
