// The smallest service shape for the out-of-process tests: ESM, fastify and pg imported statically,
// started under `node --import @shipshape/telemetry/register`. It prints its port, then flushes
// telemetry on SIGTERM the way the server package's close-with-grace does.

import http from 'node:http'
import { logs } from '@opentelemetry/api'
import { shutdownTelemetry } from '@shipshape/telemetry'
import Fastify from 'fastify'
import pg from 'pg'

// A library logging through the OpenTelemetry logs API: with traces only, this record goes nowhere.
logs.getLoggerProvider().getLogger('fixture').emit({ body: 'fixture started' })

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 })
const app = Fastify()

app.get('/healthz', async () => ({ status: 'ok' }))
app.get('/items', async () => {
  const { rows } = await pool.query('SELECT 1 + 1 AS sum')
  return { sum: rows[0].sum }
})

// A query whose text (`db.query.text` on its span) has characters of every UTF-8 width, a lone surrogate
// (not valid UTF-16: encoded as U+FFFD) and more than 127 bytes (a two-byte length prefix in protobuf).
const TEXT_QUERY = `SELECT 1 AS one /* ascii é ☃ 😀 \ud800 ${'x'.repeat(150)} */`
app.get('/text', async () => {
  const { rows } = await pool.query(TEXT_QUERY)
  return { one: rows[0].one }
})

process.once('SIGTERM', async () => {
  await app.close()
  await pool.end()
  await shutdownTelemetry()
  process.exit(0)
})

await app.listen({ host: '127.0.0.1', port: 0 })
// `instrumented`: the preload wrapped the HTTP servers' `emit` (its request spans are installed).
const ready = { port: app.server.address().port, instrumented: Object.hasOwn(http.Server.prototype, 'emit') }
process.stdout.write(`${JSON.stringify(ready)}\n`)
