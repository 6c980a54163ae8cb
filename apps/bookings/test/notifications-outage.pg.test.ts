import { randomUUID } from 'node:crypto'
import { createDatabase } from '@shipshape/db'
import { createScratchDatabase, getFreePort, startTcpProxy } from '@shipshape/testing'
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { type RetrySchedule, retriesWithin } from '../src/domain/event-delivery.ts'
import { bookingsClient, startService } from './service-pair.ts'
import { getTestConfig } from './setup.ts'

// Notifications down for minutes. Time is not faked (pg-boss schedules retries with PostgreSQL's clock):
// the retry schedule is configuration (OUTBOX_RETRY_*), and this test runs it compressed 30 times, the
// longest delay 2 s instead of 60 s, so an outage of 20 s gives each event about as many retries as 10 real
// minutes give with the defaults; the first test counts those from the real schedule. During the outage
// notifications is stopped and the address bookings calls refuses connections (a TCP proxy that resets).
const defaults = getTestConfig()
const realSchedule: RetrySchedule = {
  delaySeconds: defaults.OUTBOX_RETRY_DELAY_SECONDS,
  maxDelaySeconds: defaults.OUTBOX_RETRY_DELAY_MAX_SECONDS,
  limit: defaults.OUTBOX_RETRY_LIMIT,
}
const compressed: RetrySchedule = { delaySeconds: 1, maxDelaySeconds: 2, limit: realSchedule.limit }
const OUTAGE_MS = 20_000

describe('the retry schedule of booking event delivery', () => {
  it('defaults: 13 or 14 retries during 10 minutes of outage, and none given up before 16 hours', () => {
    expect(realSchedule).toEqual({ delaySeconds: 1, maxDelaySeconds: 60, limit: 1_000 })
    expect(retriesWithin(realSchedule, 10 * 60)).toEqual({ fewest: 13, most: 14, givesUp: false })
    expect(retriesWithin(realSchedule, 16 * 3_600).givesUp).toBe(false)
    expect(retriesWithin(realSchedule, 17 * 3_600).givesUp).toBe(true)
    // The compressed schedule this file runs: 20 s of it retry about as often as 10 minutes of the real one.
    expect(retriesWithin(compressed, OUTAGE_MS / 1_000)).toEqual({ fewest: 10, most: 10, givesUp: false })
  })
})

const secret = `whsec_${Buffer.from(randomUUID()).toString('base64')}`
const databases = await Promise.all([createScratchDatabase(), createScratchDatabase()])
const [bookingsDatabase, notificationsDatabase] = databases
const notificationsEnv = { DATABASE_URL: notificationsDatabase?.url ?? '', BOOKINGS_WEBHOOK_SECRET: secret }
const notificationsPort = await getFreePort()
let notifications = await startService('notifications', { env: notificationsEnv, port: notificationsPort })
const proxy = await startTcpProxy({ host: '127.0.0.1', port: notificationsPort })
const bookings = await startService('bookings', {
  env: {
    DATABASE_URL: bookingsDatabase?.url ?? '',
    NOTIFICATIONS_URL: `http://127.0.0.1:${proxy.port}`,
    NOTIFICATIONS_WEBHOOK_SECRET: secret,
    OUTBOX_RELAY_INTERVAL_MS: '100',
    OUTBOX_RETRY_DELAY_SECONDS: String(compressed.delaySeconds),
    OUTBOX_RETRY_DELAY_MAX_SECONDS: String(compressed.maxDelaySeconds),
  },
})
const bookingsDb = await createDatabase({ url: bookingsDatabase?.url })
const notificationsDb = await createDatabase({ url: notificationsDatabase?.url })
afterAll(async () => {
  await Promise.all([bookings.stop(), notifications.stop()])
  await proxy.close()
  await Promise.all([bookingsDb.close(), notificationsDb.close()])
  await Promise.all(databases.map((database) => database?.drop()))
})

type Outbox = { id: string; booking_id: string; type: string; relayed: boolean; delivered: boolean }
const outbox = async () =>
  (
    await bookingsDb.db.execute(
      sql`SELECT id, booking_id, type, relayed_at IS NOT NULL AS relayed, delivered_at IS NOT NULL AS delivered
          FROM booking_events ORDER BY created_at`,
    )
  ).rows as Outbox[]
type Job = { id: string; state: string; retry_count: number; age: number }
const jobs = async () =>
  (
    await bookingsDb.db.execute(
      sql`SELECT id, state, retry_count, extract(epoch FROM now() - created_on)::float AS age
          FROM pgboss.job WHERE name = 'booking-events'`,
    )
  ).rows as Job[]
type Email = { event_id: string; booking_id: string; subject: string }
const emails = async () =>
  (await notificationsDb.db.execute(sql`SELECT event_id, booking_id, subject FROM sent_emails`))
    .rows as Email[]

describe('notifications down for minutes', () => {
  it('bookings go on, the outbox fills, then drains: every event sent, none twice', async () => {
    const client = await bookingsClient(bookings.url)
    const before = await client.book()
    expect(before.status).toBe(201)
    await vi.waitFor(async () => expect(await emails()).toHaveLength(1), { timeout: 30_000, interval: 200 })

    // Down: the address refuses connections and the service itself is stopped.
    proxy.setMode('refuse')
    await notifications.stop()
    const outageStarted = Date.now()
    const during: string[] = []
    while (Date.now() - outageStarted < OUTAGE_MS / 2) {
      const booking = await client.book()
      expect(booking.status).toBe(201)
      during.push(booking.json.id ?? '')
      await new Promise((resolve) => setTimeout(resolve, 1_500))
    }
    for (const bookingId of during.slice(0, 2)) expect((await client.cancel(bookingId)).status).toBe(200)
    const expected = during.length + 2
    expect(during.length).toBeGreaterThanOrEqual(3)
    await vi.waitFor(
      async () => {
        const waiting = (await outbox()).filter((event) => !event.delivered)
        expect(waiting).toHaveLength(expected)
        expect(waiting.every((event) => event.relayed)).toBe(true)
      },
      { timeout: 10_000, interval: 200 },
    )
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - outageStarted)))

    // The queue kept retrying every event on the schedule: never faster than it allows, none starved (at
    // least half the retries it guarantees; a loaded machine polls late), none given up.
    const waitingIds = new Set((await outbox()).filter((event) => !event.delivered).map((event) => event.id))
    const retrying = (await jobs()).filter((job) => waitingIds.has(job.id))
    expect(retrying).toHaveLength(expected)
    for (const job of retrying) {
      const { fewest, most } = retriesWithin(compressed, job.age)
      expect(job.state).not.toBe('failed')
      expect(job.retry_count, `a job ${job.age} s old`).toBeLessThanOrEqual(most + 1)
      expect(job.retry_count, `a job ${job.age} s old`).toBeGreaterThanOrEqual(
        Math.max(1, Math.floor(fewest / 2)),
      )
    }
    expect(await emails()).toHaveLength(1)

    // Back: the outbox drains.
    notifications = await startService('notifications', { env: notificationsEnv, port: notificationsPort })
    proxy.setMode('pass')
    await vi.waitFor(async () => expect((await outbox()).every((event) => event.delivered)).toBe(true), {
      timeout: 60_000,
      interval: 250,
    })
    // Longer than any retry delay, for a stray second delivery to show.
    await new Promise((resolve) => setTimeout(resolve, 3 * compressed.maxDelaySeconds * 1_000))

    const events = await outbox()
    const sent = await emails()
    expect(events).toHaveLength(expected + 1)
    expect(sent.map((email) => email.event_id).sort()).toEqual(events.map((event) => event.id).sort())
    const perChange = new Map<string, number>()
    for (const email of sent) {
      const key = `${email.booking_id} ${email.subject}`
      perChange.set(key, (perChange.get(key) ?? 0) + 1)
    }
    expect([...perChange.values()].every((count) => count === 1)).toBe(true)
    expect(perChange.size).toBe(expected + 1)
    expect((await jobs()).every((job) => job.state === 'completed')).toBe(true)
  }, 180_000)
})
