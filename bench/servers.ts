import { Writable } from 'node:stream'
import { createServer } from '@shipshape/server'
import Fastify from 'fastify'

/**
 * Started as a child process by server-overhead.ts, so the load generator never competes with the server
 * for the same event loop. Prints one JSON line with both URLs, then serves until killed.
 */
const discard = new Writable({
  write(_chunk, _encoding, callback) {
    callback()
  },
})

const bare = Fastify()
bare.get('/healthz', async () => ({ status: 'ok' }))
bare.get('/echo', async () => ({ hello: 'world', n: 1 }))

const shipshape = await createServer({
  name: 'bench',
  logger: { level: 'info', stream: discard },
  // The limit is counted on every request but never reached, so its cost shows and its 429s do not.
  rateLimit: { max: 1_000_000_000, timeWindowMs: 60_000 },
  cors: { origins: ['https://app.example.com'] },
})
shipshape.get('/echo', async () => ({ hello: 'world', n: 1 }))

const [bareUrl, shipshapeUrl] = await Promise.all([
  bare.listen({ port: 0, host: '127.0.0.1' }),
  shipshape.listen({ port: 0, host: '127.0.0.1' }),
])
process.stdout.write(`${JSON.stringify({ bare: bareUrl, shipshape: shipshapeUrl })}\n`)
