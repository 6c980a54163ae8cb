import { ProblemError } from '@shipshape/server'

// The problems this service's routes answer with, beside the ones its building blocks raise.

export const invalidCursor = () =>
  new ProblemError({
    status: 400,
    code: 'validation_failed',
    detail: 'The cursor is not one this service issued.',
  })

export const invalidField = (detail: string) =>
  new ProblemError({ status: 400, code: 'validation_failed', detail })

export const notFound = (what: 'booking' | 'resource') =>
  new ProblemError({ status: 404, code: 'not_found', detail: `No ${what} with that id.` })

export const slotTaken = () =>
  new ProblemError({
    status: 409,
    code: 'slot_taken',
    detail: 'The resource is already booked for part of that time.',
  })

export const notCancellable = () =>
  new ProblemError({
    status: 409,
    code: 'not_cancellable',
    detail: 'The booking has expired; there is nothing to cancel.',
  })

export const outsideOpeningHours = () =>
  new ProblemError({
    status: 422,
    code: 'outside_opening_hours',
    detail: "The slot is not inside one of the resource's opening windows.",
  })

export const invalidSlot = (detail: string) => new ProblemError({ status: 422, code: 'invalid_slot', detail })
