import { Type } from 'typebox'

// Every schema is closed (additionalProperties: false): an unknown field is a 400, never silently dropped.

export const bookingSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    resourceId: Type.String({ format: 'uuid' }),
    startsAt: Type.String({ format: 'date-time' }),
    endsAt: Type.String({ format: 'date-time' }),
    status: Type.Union([
      Type.Literal('held'),
      Type.Literal('confirmed'),
      Type.Literal('cancelled'),
      Type.Literal('expired'),
    ]),
    holdExpiresAt: Type.String({ format: 'date-time' }),
    refundStatus: Type.Union([Type.Literal('none'), Type.Literal('pending'), Type.Literal('refunded')]),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
)

export const createBookingBody = Type.Object(
  {
    resourceId: Type.String({ format: 'uuid' }),
    startsAt: Type.String({ format: 'date-time' }),
    endsAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
)

export const bookingsPage = Type.Object(
  { data: Type.Array(bookingSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) },
  { additionalProperties: false },
)
