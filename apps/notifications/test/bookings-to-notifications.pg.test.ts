import { randomUUID } from 'node:crypto'
import { createScratchDatabase } from '@shipshape/testing'
import { startServiceProcess } from '@shipshape/testing/faults'
import { eq } from 'drizzle-orm'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { sentEmails } from '../src/db/schema.ts'
import { password, setupService } from './setup.ts'

// The two services end to end: bookings runs as a real process on its own PostgreSQL database and delivers
// its outbox through pg-boss to this service, in-process here, which sends one e-mail per event. Nothing is
// imported from bookings: it is started as a deployment would start it, from its own folder
// (`startServiceProcess`).
/** The origin bookings serves its own pages from in development (its default port). */
const origin = 'http://127.0.0.1:3000'
const secret = `whsec_${Buffer.from(randomUUID()).toString('base64')}`
const notifications = await setupService({ env: { BOOKINGS_WEBHOOK_SECRET: secret } })
const notificationsUrl = await notifications.app.listen({ port: 0, host: '127.0.0.1' })
const bookingsDatabase = await createScratchDatabase()
const bookings = await startServiceProcess({
  serviceDir: new URL('../../bookings/', import.meta.url),
  nodeArgs: ['--conditions=@shipshape/source'],
  env: {
    DATABASE_URL: bookingsDatabase.url,
    MIGRATE_ON_START: 'true',
    NOTIFICATIONS_URL: notificationsUrl,
    NOTIFICATIONS_WEBHOOK_SECRET: secret,
    OUTBOX_RELAY_INTERVAL_MS: '200',
  },
})
const bookingsUrl = bookings.baseUrl
afterAll(async () => {
  await bookings.stop()
  await bookingsDatabase.drop()
})
await vi.waitFor(
  async () => {
    if (bookings.child.exitCode !== null) throw new Error(`bookings exited:\n${bookings.output()}`)
    expect((await fetch(`${bookingsUrl}/readyz`).catch(() => undefined))?.status).toBe(200)
  },
  { timeout: 60_000, interval: 200 },
)

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(`${bookingsUrl}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: response.status, json: (await response.json()) as Record<string, string> }
}

const emailsAbout = (bookingId: string) =>
  notifications.db.select().from(sentEmails).where(eq(sentEmails.bookingId, bookingId))

describe('bookings → outbox → pg-boss → notifications', () => {
  it('holding and cancelling a booking sends one e-mail each', async () => {
    const signup = await fetch(`${bookingsUrl}/auth/signup`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ email: `${randomUUID()}@example.com`, password }),
    })
    expect(signup.status, await signup.clone().text()).toBe(201)
    const cookie = signup.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ')
    const headers = { cookie, origin }
    const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '00:00', closes: '24:00' }))
    const resource = await call('POST', '/resources', headers, { name: 'studio', openingHours: allWeek })
    expect(resource.status).toBe(201)
    const startsAt = new Date(Date.now() + 3 * 86_400_000)
    startsAt.setUTCMinutes(0, 0, 0)
    const endsAt = new Date(startsAt.getTime() + 3_600_000)
    const booking = await call('POST', '/bookings', headers, {
      resourceId: resource.json.id,
      startsAt,
      endsAt,
    })
    expect(booking.status).toBe(201)
    const bookingId = booking.json.id ?? ''

    await vi.waitFor(async () => expect(await emailsAbout(bookingId)).toHaveLength(1), {
      timeout: 30_000,
      interval: 200,
    })
    expect((await call('POST', `/bookings/${bookingId}/cancel`, headers)).status).toBe(200)
    await vi.waitFor(async () => expect(await emailsAbout(bookingId)).toHaveLength(2), {
      timeout: 30_000,
      interval: 200,
    })
    const subjects = (await emailsAbout(bookingId)).map((email) => email.subject).sort()
    expect(subjects).toEqual(['Your booking is cancelled', 'Your booking is held: pay to confirm it'])
  })
})
