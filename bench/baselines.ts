import { Writable } from 'node:stream'
import Fastify from 'fastify'
import { jwtVerify } from 'jose'
import pg from 'pg'

/**
 * The baselines of stack.ts, started as a child process: a bare `Fastify()` serving /healthz, and a
 * hand-written Fastify + pg + jose service doing what the generated service's signed-in list does (verify
 * the access cookie's HS256 token, read 20 + 1 rows of the caller with one prepared statement, answer the
 * same page through a response schema), logging each request as production would (pino into a sink).
 * argv: <database url> <jwt secret> <issuer>. Prints one JSON line with both URLs, then serves until killed.
 */
const [databaseUrl, jwtSecret, issuer] = process.argv.slice(2)
if (databaseUrl === undefined || jwtSecret === undefined || issuer === undefined)
  throw new Error('usage: baselines.ts <database url> <jwt secret> <issuer>')

const discard = new Writable({
  write(_chunk, _encoding, callback) {
    callback()
  },
})

const bare = Fastify()
bare.get('/healthz', async () => ({ status: 'ok' }))

const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 })
const secret = new TextEncoder().encode(jwtSecret)
const listQuery = {
  name: 'list-preferences',
  text: 'select id, name, description, created_at, updated_at from preferences where owner_id = $1 order by created_at desc, id desc limit $2',
}
const booking = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    description: { type: ['string', 'null'] },
    // Dates handed to the serializer, as the service's schema does since the twenty-first pass.
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
}
const page = {
  type: 'object',
  properties: { data: { type: 'array', items: booking }, nextCursor: { type: ['string', 'null'] } },
}
interface Row {
  id: string
  name: string
  description: string | null
  created_at: Date
  updated_at: Date
}

const handWritten = Fastify({ logger: { level: 'info', stream: discard } })
handWritten.get('/healthz', async () => ({ status: 'ok' }))
handWritten.get('/readyz', async () => {
  await pool.query('select 1')
  return { status: 'ok' }
})
handWritten.get<{ Querystring: { limit?: string } }>(
  '/preferences',
  { schema: { response: { 200: page } } },
  async (request, reply) => {
    const token = /(?:^|;\s*)__Host-access=([^;]+)/.exec(request.headers.cookie ?? '')?.[1]
    const claims = token
      ? await jwtVerify(token, secret, { algorithms: ['HS256'], issuer, audience: issuer }).catch(() => null)
      : null
    if (claims === null || typeof claims.payload.sub !== 'string') return reply.code(401).send()
    const limit = Math.min(Number(request.query.limit ?? 20), 100)
    const { rows } = await pool.query<Row>({ ...listQuery, values: [claims.payload.sub, limit + 1] })
    const data = rows.slice(0, limit).map((row) => ({
      id: row.id,
      name: row.name,
      description: row.description,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }))
    const last = data.at(-1)
    const nextCursor =
      rows.length > limit && last
        ? Buffer.from(JSON.stringify([last.createdAt.toISOString(), last.id])).toString('base64url')
        : null
    return { data, nextCursor }
  },
)

const [bareUrl, handWrittenUrl] = await Promise.all([
  bare.listen({ port: 0, host: '127.0.0.1' }),
  handWritten.listen({ port: 0, host: '127.0.0.1' }),
])
process.stdout.write(`${JSON.stringify({ bare: bareUrl, handWritten: handWrittenUrl })}\n`)
