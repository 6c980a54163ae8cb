import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'

export interface StartOptions {
  port: number
  /** Default 127.0.0.1; containers pass 0.0.0.0. */
  host?: string
  /** Time allowed for in-flight requests, onClose hooks and `onShutdown`; after it the process exits 1. */
  graceMs?: number
  /** Runs after the server and its onClose hooks are closed: flush telemetry here. */
  onShutdown?: () => Promise<void>
}

export interface RunningServer {
  url: string
  /** The same graceful sequence without exiting the process (for embedding and tests). */
  close: () => Promise<void>
}

/**
 * Listens, then on SIGTERM/SIGINT (or an uncaught error) stops accepting, lets in-flight requests finish,
 * runs `app.close()` (pools close in onClose hooks) and `onShutdown`, and exits 0; 1 if `graceMs` elapses
 * or the shutdown itself fails.
 */
export async function startServer(app: FastifyInstance, options: StartOptions): Promise<RunningServer> {
  const url = await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' })
  const shutdown = async (): Promise<void> => {
    await app.close()
    await options.onShutdown?.()
  }
  const graceMs = options.graceMs ?? 10_000
  const grace = closeWithGrace(
    {
      delay: graceMs,
      logger: { error: (error: unknown) => app.log.error({ err: error }, 'shutdown failed') },
      onTimeout: () => app.log.error({ graceMs }, 'shutdown exceeded its grace period; exiting 1'),
    },
    async ({ signal, err }) => {
      if (err !== undefined) app.log.fatal({ err }, 'uncaught error; shutting down')
      else app.log.info({ signal }, 'shutting down')
      await shutdown()
      app.log.info('shutdown complete')
    },
  )
  return {
    url,
    close: async () => {
      grace.uninstall()
      await shutdown()
    },
  }
}
