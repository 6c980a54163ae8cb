import { fileURLToPath } from 'node:url'
import { createServer } from '@shipshape/server'
import { describe, expect, it } from 'vitest'
import * as schema from '../test/fixtures/schema.ts'
import { createServiceTest, createTestService, type TestServiceOptions } from './test-app.ts'

const migrationsFolder = fileURLToPath(new URL('../test/fixtures/drizzle', import.meta.url))

const options: TestServiceOptions<typeof schema> = {
  schema,
  migrationsFolder,
  build: async (database, logs) => {
    const app = await createServer({
      name: 'kit',
      rateLimit: false,
      underPressure: false,
      logger: { level: 'info', stream: logs.stream },
    })
    app.get('/notes', async (request) => {
      request.log.info({ marker: 'listed' }, 'notes listed')
      return { count: (await database.db.select().from(schema.notes)).length }
    })
    return app
  },
}

const test = createServiceTest(options)

describe('createServiceTest', () => {
  test('hands the app on its own migrated database, and the lines it logs', async ({
    app,
    database,
    logs,
  }) => {
    await database.query('INSERT INTO notes (body) VALUES ($1)', ['first'])
    const response = await app.inject({ url: '/notes' })
    expect(response.json()).toEqual({ count: 1 })
    expect(logs.lines).toContainEqual(expect.objectContaining({ marker: 'listed', msg: 'notes listed' }))
    expect(logs.raw.some((line) => line.includes('"marker":"listed"'))).toBe(true)
  })

  test('shares them across the file, and listens on loopback when asked for baseUrl', async ({ baseUrl }) => {
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(await (await fetch(`${baseUrl}/notes`)).json()).toEqual({ count: 1 })
  })
})

describe('createTestService', () => {
  it('destroys the database when the app fails to build', async () => {
    let url: string | undefined
    await expect(
      createTestService({
        schema,
        migrationsFolder,
        build: async (database) => {
          url = database.url
          throw new Error('broken build')
        },
      }),
    ).rejects.toThrow('broken build')
    if (url !== undefined) {
      const { default: pg } = await import('pg')
      const client = new pg.Client({ connectionString: url })
      await expect(client.connect()).rejects.toThrow(/does not exist/)
    }
  })
})
