import { expect, it } from 'vitest'
import { cheapArgon2, setupService, signUp } from './setup.ts'

const { app, database } = await setupService({ auth: { testArgon2Params: cheapArgon2 } })
const alice = await signUp(app)

async function waitForReadiness(status: number) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const response = await app.inject({ method: 'GET', url: '/readyz' })
    if (response.statusCode === status) return response
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`/readyz never answered ${status}`)
}

it('/readyz goes 503 naming the database while it is unreachable, and 200 again when it returns', async () => {
  await waitForReadiness(200)
  await database.interrupt()
  const down = await waitForReadiness(503)
  expect(down.headers['content-type']).toMatch(/^application\/problem\+json/)
  expect(down.json()).toMatchObject({ status: 503, code: 'unavailable' })
  expect(JSON.stringify(down.json())).toContain('database')
  await database.restore()
  await waitForReadiness(200)
})

it('a query while the database is unreachable is a 503 problem, not a 500', async () => {
  await database.interrupt()
  try {
    const response = await app.inject({ method: 'GET', url: '/preferences', headers: alice.headers })
    expect(response.statusCode).toBe(503)
    expect(response.json()).toMatchObject({ code: 'unavailable' })
    expect(JSON.stringify(response.json())).not.toMatch(/SELECT|preferences|pg_|ECONN/i)
  } finally {
    await database.restore()
  }
})
