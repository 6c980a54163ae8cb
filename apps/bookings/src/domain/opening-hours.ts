import type { OpeningWindow } from '../db/schema.ts'

/** Monday to Friday, 09:00 to 17:00: what a resource created without opening hours gets. */
export const defaultOpeningHours: OpeningWindow[] = [1, 2, 3, 4, 5].map((weekday) => ({
  weekday,
  opens: '09:00',
  closes: '17:00',
}))

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 }

type WallTime = { date: string; weekday: number; minutes: number }

/** True when `timeZone` is an IANA zone this runtime knows (Intl throws a RangeError otherwise). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}

function toMinutes(time: string): number {
  const [hours = 0, minutes = 0] = time.split(':').map(Number)
  return hours * 60 + minutes
}

/** Every window opens before it closes, and no weekday has two overlapping windows. */
export function areOpeningHoursValid(windows: OpeningWindow[]): boolean {
  const sorted = [...windows].sort((a, b) => a.weekday - b.weekday || toMinutes(a.opens) - toMinutes(b.opens))
  return sorted.every((window, index) => {
    const previous = sorted[index - 1]
    const overlaps =
      previous?.weekday === window.weekday && toMinutes(previous.closes) > toMinutes(window.opens)
    return toMinutes(window.opens) < toMinutes(window.closes) && !overlaps
  })
}

function toWallTime(instant: Date, timeZone: string): WallTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant)
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  const seconds = Number(part('second')) + instant.getUTCMilliseconds() / 1000
  return {
    date: `${part('year')}-${part('month')}-${part('day')}`,
    weekday: WEEKDAYS[part('weekday')] ?? 0,
    minutes: Number(part('hour')) * 60 + Number(part('minute')) + seconds / 60,
  }
}

function nextDay(date: string): string {
  const day = new Date(`${date}T00:00:00Z`)
  day.setUTCDate(day.getUTCDate() + 1)
  return day.toISOString().slice(0, 10)
}

/**
 * True when [startsAt, endsAt) lies inside one opening window, read as wall time in the resource's zone (so
 * "09:00" stays 09:00 across daylight-saving changes). A window closing at 24:00 takes a booking that ends
 * at the next midnight; a booking never spans two days.
 */
export function fitsOpeningHours(
  resource: { timeZone: string; openingHours: OpeningWindow[] },
  startsAt: Date,
  endsAt: Date,
): boolean {
  const start = toWallTime(startsAt, resource.timeZone)
  const end = toWallTime(endsAt, resource.timeZone)
  let endMinutes = end.minutes
  if (end.date !== start.date) {
    if (end.date !== nextDay(start.date) || end.minutes !== 0) return false
    endMinutes = 24 * 60
  }
  return resource.openingHours.some(
    (window) =>
      window.weekday === start.weekday &&
      toMinutes(window.opens) <= start.minutes &&
      endMinutes <= toMinutes(window.closes),
  )
}
