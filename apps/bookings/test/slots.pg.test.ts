import { randomUUID } from 'node:crypto'
import { expectProblem as expectProblemDocument } from '@shipshape/testing'
import { and, eq, inArray, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { bookings } from '../src/db/schema.ts'
import { cheapArgon2, setupService, signUp } from './setup.ts'

// Double booking, holds, cancellation and their errors, on real PostgreSQL: the exclusion constraint is the
// only thing between two overlapping requests, so it is tested where it lives.
// 100 requests at once share 20 connections. On a test machine running every package's suite, one of them
// outlasted the budgets (2 s to wait for a connection, 1 s a statement) and got the 503 they promise for an
// outage (a CI run; a pool of one with 200 ms to wait does the same here): the contract working, not the
// constraint, so this file's budgets are wide. The fault suites test the budgets.
const service = await setupService({
  auth: { testArgon2Params: cheapArgon2 },
  underPressure: false,
  pool: { connectionTimeoutMs: 30_000, statementTimeoutMs: 30_000, queryTimeoutMs: 31_000 },
})
const { app, db } = service
const host = await signUp(app)
const guests = [await signUp(app), await signUp(app), await signUp(app), await signUp(app)]
const alice = guests[0] ?? host

type Response = Awaited<ReturnType<typeof app.inject>>
type Headers = Record<string, string>

const post = (url: string, headers: Headers, payload?: object) =>
  app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) })
const get = (url: string, headers: Headers) => app.inject({ method: 'GET', url, headers })

/** 09:00 UTC on a Monday at least a week ahead, plus `minutes`: inside the default opening hours. */
function mondayAt(minutes: number, weeksAhead = 1): Date {
  const day = new Date()
  day.setUTCHours(9, 0, 0, 0)
  day.setUTCDate(day.getUTCDate() + 7 * weeksAhead + ((8 - day.getUTCDay()) % 7))
  return new Date(day.getTime() + minutes * 60_000)
}

async function createResource(headers = host.headers): Promise<string> {
  const response = await post('/resources', headers, { name: `court-${randomUUID()}` })
  expect(response.statusCode, response.body).toBe(201)
  return response.json().id
}

const slot = (resourceId: string, from: Date, minutes: number) => ({
  resourceId,
  startsAt: from.toISOString(),
  endsAt: new Date(from.getTime() + minutes * 60_000).toISOString(),
})

/** The kit's problem check, and nothing of the exclusion constraint or its SQL in the answer. */
function expectProblem(response: Response, status: number, code: string): void {
  expectProblemDocument(response, status, code)
  expect(response.body).not.toMatch(/bookings_no_overlap|tstzrange|INSERT|23P01/i)
}

async function liveBookings(resourceId: string): Promise<number> {
  const rows = await db
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.resourceId, resourceId), inArray(bookings.status, ['held', 'confirmed'])))
  return rows.length
}

describe('POST /bookings under concurrency', () => {
  it('100 concurrent requests for overlapping slots: exactly one 201, 99 × 409 slot_taken', async () => {
    const resourceId = await createResource()
    // Every slot overlaps every other: starts spread over 49.5 minutes, each lasting an hour.
    const requests = Array.from({ length: 100 }, (_, index) => {
      const guest = guests[index % guests.length] ?? alice
      return post('/bookings', guest.headers, slot(resourceId, mondayAt(index / 2), 60))
    })
    const responses = await Promise.all(requests)
    const created = responses.filter((response) => response.statusCode === 201)
    const refused = responses.filter((response) => response.statusCode !== 201)
    expect(created).toHaveLength(1)
    expect(refused).toHaveLength(99)
    for (const response of refused) expectProblem(response, 409, 'slot_taken')
    expect(created[0]?.json()).toMatchObject({ resourceId, status: 'held' })
    expect(await liveBookings(resourceId)).toBe(1)
  })

  it('slots that touch do not overlap ([start, end) ranges), and other resources are independent', async () => {
    const resourceId = await createResource()
    const other = await createResource()
    expect((await post('/bookings', alice.headers, slot(resourceId, mondayAt(60), 60))).statusCode).toBe(201)
    expect((await post('/bookings', alice.headers, slot(resourceId, mondayAt(120), 60))).statusCode).toBe(201)
    expect((await post('/bookings', alice.headers, slot(other, mondayAt(60), 60))).statusCode).toBe(201)
    expectProblem(
      await post('/bookings', alice.headers, slot(resourceId, mondayAt(90), 60)),
      409,
      'slot_taken',
    )
  })
})

describe('holds of one resource wait their turn', () => {
  // Overlapping inserts that run at once can each wait for the other's row inside the constraint check, and
  // PostgreSQL then aborts one a second (deadlock_timeout). A CI run on a loaded machine broke 151 such
  // cycles during the burst above and 31 requests ran out of retries (500). A hold therefore first takes
  // its resource's row (FOR NO KEY UPDATE): the holds of one resource queue, other resources do not wait.
  it('waits while another transaction has the resource, and books once it is let go', async () => {
    const resourceId = await createResource()
    const released = Promise.withResolvers<void>()
    const locked = Promise.withResolvers<void>()
    const holder = db.transaction(async (tx) => {
      await tx.execute(sql`SELECT 1 FROM resources WHERE id = ${resourceId} FOR NO KEY UPDATE`)
      locked.resolve()
      await released.promise
    })
    await locked.promise
    let answered = false
    const waiting = post('/bookings', alice.headers, slot(resourceId, mondayAt(300), 60)).then((response) => {
      answered = true
      return response
    })
    const other = await createResource()
    const elsewhere = await post('/bookings', alice.headers, slot(other, mondayAt(300), 60))
    expect(elsewhere.statusCode, elsewhere.body).toBe(201)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(answered).toBe(false)
    released.resolve()
    await holder
    const response = await waiting
    expect(response.statusCode, response.body).toBe(201)
  })
})

describe('holds and cancellation free the slot', () => {
  it('an expired hold reads as expired and no longer blocks the slot', async () => {
    const resourceId = await createResource()
    const first = await post('/bookings', alice.headers, slot(resourceId, mondayAt(0), 60))
    expect(first.statusCode).toBe(201)
    const rival = guests[1] ?? host
    expectProblem(
      await post('/bookings', rival.headers, slot(resourceId, mondayAt(30), 60)),
      409,
      'slot_taken',
    )

    // Time passes: the hold runs out (the database's clock decides, as in production).
    await db
      .update(bookings)
      .set({ holdExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(bookings.id, first.json().id))
    expect((await get(`/bookings/${first.json().id}`, alice.headers)).json()).toMatchObject({
      status: 'expired',
    })

    const second = await post('/bookings', rival.headers, slot(resourceId, mondayAt(30), 60))
    expect(second.statusCode, second.body).toBe(201)
    const [old] = await db.select().from(bookings).where(eq(bookings.id, first.json().id))
    expect(old?.status).toBe('expired')
    expect(await liveBookings(resourceId)).toBe(1)
  })

  it('a hold lasts BOOKING_HOLD_SECONDS from the database clock', async () => {
    const resourceId = await createResource()
    const before = Date.now()
    const created = (await post('/bookings', alice.headers, slot(resourceId, mondayAt(0, 2), 30))).json()
    const holdMs = new Date(created.holdExpiresAt).getTime() - before
    expect(holdMs).toBeGreaterThan(590_000)
    expect(holdMs).toBeLessThan(620_000)
  })

  it('cancelling frees the slot at once; a second cancel answers the same; others get 404', async () => {
    const resourceId = await createResource()
    const booking = (await post('/bookings', alice.headers, slot(resourceId, mondayAt(120), 60))).json()
    const rival = guests[2] ?? host
    expectProblem(await post(`/bookings/${booking.id}/cancel`, rival.headers), 404, 'not_found')
    expectProblem(await get(`/bookings/${booking.id}`, rival.headers), 404, 'not_found')

    const cancelled = await post(`/bookings/${booking.id}/cancel`, alice.headers)
    expect(cancelled.statusCode, cancelled.body).toBe(200)
    expect(cancelled.json()).toMatchObject({ id: booking.id, status: 'cancelled' })
    const again = await post(`/bookings/${booking.id}/cancel`, alice.headers)
    expect(again.statusCode).toBe(200)
    expect(again.json()).toMatchObject({ status: 'cancelled' })

    const taken = await post('/bookings', rival.headers, slot(resourceId, mondayAt(120), 60))
    expect(taken.statusCode, taken.body).toBe(201)
  })

  it('an expired hold cannot be cancelled: 409 not_cancellable', async () => {
    const resourceId = await createResource()
    const booking = (await post('/bookings', alice.headers, slot(resourceId, mondayAt(0), 60))).json()
    await db.update(bookings).set({ status: 'expired' }).where(eq(bookings.id, booking.id))
    expectProblem(await post(`/bookings/${booking.id}/cancel`, alice.headers), 409, 'not_cancellable')
  })
})

describe('POST /bookings refuses what cannot be booked', () => {
  it('outside opening hours → 422 outside_opening_hours, and nothing is stored', async () => {
    const resourceId = await createResource()
    const sunday = new Date(mondayAt(60).getTime() - 24 * 3_600_000)
    for (const payload of [
      slot(resourceId, mondayAt(-30), 60),
      slot(resourceId, mondayAt(7 * 60 + 30), 60),
      slot(resourceId, sunday, 60),
    ]) {
      expectProblem(await post('/bookings', alice.headers, payload), 422, 'outside_opening_hours')
    }
    expect(await liveBookings(resourceId)).toBe(0)
  })

  it('an empty, reversed, over-long or past slot → 422 invalid_slot', async () => {
    const resourceId = await createResource()
    const from = mondayAt(60)
    expectProblem(await post('/bookings', alice.headers, slot(resourceId, from, 0)), 422, 'invalid_slot')
    expectProblem(await post('/bookings', alice.headers, slot(resourceId, from, -30)), 422, 'invalid_slot')
    expectProblem(
      await post('/bookings', alice.headers, slot(resourceId, from, 25 * 60)),
      422,
      'invalid_slot',
    )
    const past = new Date(Date.now() - 7 * 24 * 3_600_000)
    expectProblem(await post('/bookings', alice.headers, slot(resourceId, past, 60)), 422, 'invalid_slot')
  })

  it('malformed bodies → 400 validation_failed problem+json; an unknown resource → 404', async () => {
    const resourceId = await createResource()
    const good = slot(resourceId, mondayAt(60), 60)
    for (const payload of [
      {},
      { ...good, resourceId: 'not-a-uuid' },
      { ...good, startsAt: 'tomorrow' },
      { ...good, extra: true },
      { resourceId, startsAt: good.startsAt },
    ]) {
      expectProblem(await post('/bookings', alice.headers, payload), 400, 'validation_failed')
    }
    expectProblem(
      await post('/bookings', alice.headers, { ...good, resourceId: randomUUID() }),
      404,
      'not_found',
    )
    expect(await liveBookings(resourceId)).toBe(0)
  })

  it('bad opening hours or time zone on a resource → 400 validation_failed', async () => {
    const bad = [
      { name: 'x', timeZone: 'Mars/Olympus' },
      { name: 'x', openingHours: [{ weekday: 1, opens: '12:00', closes: '09:00' }] },
      { name: 'x', openingHours: [{ weekday: 8, opens: '09:00', closes: '12:00' }] },
      { name: 'x', openingHours: [{ weekday: 1, opens: '9am', closes: '12:00' }] },
    ]
    for (const payload of bad)
      expectProblem(await post('/resources', host.headers, payload), 400, 'validation_failed')
  })

  it('every booking route needs a session: 401 unauthenticated', async () => {
    const resourceId = await createResource()
    const noSession = {}
    expectProblem(
      await post('/bookings', noSession, slot(resourceId, mondayAt(60), 60)),
      401,
      'unauthenticated',
    )
    expectProblem(await get('/bookings', noSession), 401, 'unauthenticated')
    expectProblem(await post(`/bookings/${randomUUID()}/cancel`, noSession), 401, 'unauthenticated')
  })
})

describe('POST /bookings with an Idempotency-Key', () => {
  it('a retry replays the first answer instead of meeting its own booking as slot_taken', async () => {
    const resourceId = await createResource()
    const headers = { ...alice.headers, 'idempotency-key': randomUUID() }
    const payload = slot(resourceId, mondayAt(180), 60)
    const first = await post('/bookings', headers, payload)
    const retry = await post('/bookings', headers, payload)
    expect(first.statusCode, first.body).toBe(201)
    expect(retry.statusCode).toBe(201)
    expect(retry.headers['idempotent-replayed']).toBe('true')
    expect(retry.body).toBe(first.body)
    expect(await liveBookings(resourceId)).toBe(1)
    // A new key is a new request: the slot is now taken.
    const other = await post('/bookings', { ...alice.headers, 'idempotency-key': randomUUID() }, payload)
    expectProblem(other, 409, 'slot_taken')
  })
})
