import { describe, expect, it } from 'vitest'
import {
  areOpeningHoursValid,
  defaultOpeningHours,
  fitsOpeningHours,
  isTimeZone,
} from '../src/domain/opening-hours.ts'

const weekdays = { timeZone: 'UTC', openingHours: defaultOpeningHours }
// 2030-01-07 is a Monday.
const at = (iso: string) => new Date(iso)

describe('opening hours', () => {
  it('takes a slot inside a window, edges included', () => {
    expect(fitsOpeningHours(weekdays, at('2030-01-07T09:00:00Z'), at('2030-01-07T17:00:00Z'))).toBe(true)
    expect(fitsOpeningHours(weekdays, at('2030-01-07T10:00:00Z'), at('2030-01-07T11:30:00Z'))).toBe(true)
  })

  it('refuses a slot that starts early, ends late, falls on a closed day or spans two days', () => {
    expect(fitsOpeningHours(weekdays, at('2030-01-07T08:59:00Z'), at('2030-01-07T10:00:00Z'))).toBe(false)
    expect(fitsOpeningHours(weekdays, at('2030-01-07T16:00:00Z'), at('2030-01-07T17:00:01Z'))).toBe(false)
    expect(fitsOpeningHours(weekdays, at('2030-01-06T10:00:00Z'), at('2030-01-06T11:00:00Z'))).toBe(false)
    const allDay = {
      timeZone: 'UTC',
      openingHours: [1, 2].map((weekday) => ({ weekday, opens: '00:00', closes: '24:00' })),
    }
    expect(fitsOpeningHours(allDay, at('2030-01-07T23:00:00Z'), at('2030-01-08T00:00:00Z'))).toBe(true)
    expect(fitsOpeningHours(allDay, at('2030-01-07T23:00:00Z'), at('2030-01-08T00:30:00Z'))).toBe(false)
  })

  it("reads the window in the resource's time zone, across a daylight-saving change", () => {
    const paris = { timeZone: 'Europe/Paris', openingHours: defaultOpeningHours }
    // 09:00 in Paris is 08:00Z in winter and 07:00Z in summer.
    expect(fitsOpeningHours(paris, at('2030-01-07T08:00:00Z'), at('2030-01-07T09:00:00Z'))).toBe(true)
    expect(fitsOpeningHours(paris, at('2030-01-07T07:30:00Z'), at('2030-01-07T09:00:00Z'))).toBe(false)
    expect(fitsOpeningHours(paris, at('2030-07-01T07:00:00Z'), at('2030-07-01T08:00:00Z'))).toBe(true)
  })

  it('validates windows and zones', () => {
    expect(areOpeningHoursValid(defaultOpeningHours)).toBe(true)
    expect(areOpeningHoursValid([{ weekday: 1, opens: '10:00', closes: '09:00' }])).toBe(false)
    const overlapping = [
      { weekday: 1, opens: '09:00', closes: '12:00' },
      { weekday: 1, opens: '11:00', closes: '13:00' },
    ]
    expect(areOpeningHoursValid(overlapping)).toBe(false)
    expect(isTimeZone('Europe/Paris')).toBe(true)
    expect(isTimeZone('Mars/Olympus')).toBe(false)
  })
})
