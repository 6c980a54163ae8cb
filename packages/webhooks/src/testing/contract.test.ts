import { fileURLToPath } from 'node:url'
import { createTestDatabase, type TestDatabase } from '@shipshape/testing'
import { sql } from 'drizzle-orm'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll } from 'vitest'
import { webhooksPlugin } from '../plugin.ts'
import { describeWebhookContract } from './index.ts'

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url))

const SOURCE = 'contract'
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

let database: TestDatabase | undefined
let app: FastifyInstance | undefined

afterAll(async () => {
  await app?.close()
  await database?.destroy()
})

/** A service's webhook wiring in miniature: one Standard Webhooks source whose effect is a row. */
async function buildApp(): Promise<FastifyInstance> {
  database = await createTestDatabase({ migrationsFolder, requirePostgres: true })
  await database.query('CREATE TABLE contract_effects (delivery_id text NOT NULL)')
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
    const result = await database.query('SELECT 1 FROM contract_effects WHERE delivery_id = $1', [id])
    return result.length
  },
})
