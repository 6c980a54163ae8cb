import { once } from 'node:events'
import { createServer } from 'node:net'

/**
 * A loopback port nobody listens on right now, for a server a test starts as a separate process. Another
 * process may take it in between; callers that cannot afford that retry.
 */
export async function getFreePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as { port: number }
  probe.close()
  await once(probe, 'close')
  return port
}
