// A service's shape for the bundle tests: ESM importing Fastify and pg (CommonJS, bundled; pg announces itself
// to the telemetry preload) and the telemetry package (left to node_modules: the preload shares it). Prints
// its port, then serves.
import { shutdownTelemetry } from '@shipshape/telemetry'
import Fastify from 'fastify'
import pg from 'pg'

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 })
const app = Fastify()
app.get('/sum', async () => (await pool.query('SELECT 1 + 1 AS sum')).rows[0])

process.once('SIGTERM', async () => {
  await app.close()
  await pool.end()
  await shutdownTelemetry()
  process.exit(0)
})

await app.listen({ host: '127.0.0.1', port: 0 })
process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`)
