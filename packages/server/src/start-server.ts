import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'

export interface StartOptions {
  port: number
  /** Default 127.0.0.1; containers pass 0.0.0.0. */
  host?: string
  /** Time allowed for in-flight requests, onClose hooks and `onShutdown`; after it the process exits 1. */
  graceMs?: number
  /**
   * Runs after the server and its onClose hooks are closed: flush telemetry here. `signal` aborts shortly
   * before the grace period ends (a tenth of it, at most 1 s, before): stop waiting then, and the process
   * still exits 0 (`shutdownTelemetry({ signal })` drops the spans a collector did not take in time).
   */
  onShutdown?: (context: { signal: AbortSignal }) => Promise<void>
}

export interface RunningServer {
  url: string
  /** The same graceful sequence without exiting the process (for embedding and tests). */
  close: () => Promise<void>
}

/** The signals that stop the service gracefully; close-with-grace keeps the others (SIGHUP, SIGQUIT, ...). */
const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const

/**
 * Listens, then on SIGTERM/SIGINT (or an uncaught error) stops accepting, lets in-flight requests finish,
 * runs `app.close()` (pools close in onClose hooks) and `onShutdown`, and exits 0; 1 if `graceMs` elapses
 * or the shutdown itself fails.
 *
 * A stop signal that comes again while draining is logged and changes nothing: one stop often arrives twice
 * (`pnpm` signals the whole process group and `node --watch` forwards the same signal to its child; Ctrl-C
 * reaches every process of the terminal's group), and close-with-grace's "second signal exits 1 at once"
 * would drop the in-flight requests. `graceMs` bounds the drain; a process manager escalates with SIGKILL.
 */
export async function startServer(app: FastifyInstance, options: StartOptions): Promise<RunningServer> {
  const url = await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' })
  const graceMs = options.graceMs ?? 10_000
  const shutdown = async (): Promise<void> => {
    const deadline = performance.now() + graceMs - Math.min(1_000, graceMs / 10)
    await app.close()
    // AbortSignal.timeout's timer does not keep the process alive.
    const signal = AbortSignal.timeout(Math.max(0, Math.round(deadline - performance.now())))
    await options.onShutdown?.({ signal })
  }
  let shuttingDown = false
  const grace = closeWithGrace(
    {
      delay: graceMs,
      skip: [...STOP_SIGNALS],
      logger: { error: (error: unknown) => app.log.error({ err: error }, 'shutdown failed') },
      onTimeout: () => app.log.error({ graceMs }, 'shutdown exceeded its grace period; exiting 1'),
    },
    async ({ signal, err }) => {
      shuttingDown = true
      if (err !== undefined) app.log.fatal({ err }, 'uncaught error; shutting down')
      else if (signal !== undefined) app.log.info({ signal }, 'shutting down')
      await shutdown()
      app.log.info('shutdown complete')
    },
  )
  const onStopSignal = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      app.log.info({ signal }, 'already shutting down')
      return
    }
    app.log.info({ signal }, 'shutting down')
    // close-with-grace runs the same sequence as for a signal of its own, with its timer, and exits.
    void grace.close()
  }
  for (const signal of STOP_SIGNALS) process.on(signal, onStopSignal)
  return {
    url,
    close: async () => {
      grace.uninstall()
      for (const signal of STOP_SIGNALS) process.off(signal, onStopSignal)
      await shutdown()
    },
  }
}
