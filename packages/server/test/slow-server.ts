import { createServer, startServer } from '../src/index.ts'

/** Child process for start-server.test.ts: a real service with a slow route, driven by signals. */
const graceMs = Number(process.argv[2])
const slowMs = Number(process.argv[3])
const emit = (event: string, extra: object = {}): void => {
  process.stdout.write(`${JSON.stringify({ event, ...extra })}\n`)
}
// One test closes the pipe that reads stdout: these event lines are then dropped, as the logger's are.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error
})

const app = await createServer({ name: 'child', rateLimit: false, underPressure: false })
app.get('/slow', async (request) => {
  request.log.info('slow request started')
  await new Promise((resolve) => setTimeout(resolve, slowMs))
  return { done: true }
})
app.addHook('onClose', async () => emit('onClose'))
// `stuck-shutdown`: onShutdown waits on something that never answers (a collector), until its signal aborts.
const stuck = process.argv[4] === 'stuck-shutdown'
const onShutdown = async ({ signal }: { signal: AbortSignal }): Promise<void> => {
  if (stuck) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
  emit('onShutdown', { aborted: signal.aborted })
}
const { url } = await startServer(app, { port: 0, graceMs, onShutdown })
emit('listening', { url })
