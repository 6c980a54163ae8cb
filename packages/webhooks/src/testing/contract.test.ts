import { sql } from 'drizzle-orm'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll } from 'vitest'
import { createTestDatabase } from '../_test-db.ts'
import { webhooksPlugin } from '../plugin.ts'
import { describeWebhookContract } from './index.ts'

const SOURCE = 'contract'
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined
let app: FastifyInstance | undefined

afterAll(async () => {
  await app?.close()
  await database?.close()
})

/** A service's webhook wiring in miniature: one Standard Webhooks source whose effect is a row. */
async function buildApp(): Promise<FastifyInstance> {
  database = await createTestDatabase(process.env.PG_ADMIN_URL)
  await database.pool.query('CREATE TABLE contract_effects (delivery_id text NOT NULL)')
  const built = Fastify()
  await built.register(webhooksPlugin, {
    prefix: '/webhooks',
    db: database.db,
    sources: { [SOURCE]: { scheme: 'standard', secrets: [SECRET] } },
    onEvent: async ({ id, tx }) => {
      // Widen the race window: concurrent copies must still wait on the delivery key, not both run.
      await new Promise((resolve) => setTimeout(resolve, 20))
      await tx.execute(sql`INSERT INTO contract_effects (delivery_id) VALUES (${id})`)
    },
  })
  await built.ready()
  return built
}

describeWebhookContract({
  async setup() {
    app = await buildApp()
    return { app }
  },
  source: SOURCE,
  secret: SECRET,
  async countEffects(id) {
    if (database === undefined) throw new Error('the test database is not set up')
    const result = await database.pool.query('SELECT 1 FROM contract_effects WHERE delivery_id = $1', [id])
    return result.rowCount ?? 0
  },
})
