import { Type } from 'typebox'

// Every schema is closed (additionalProperties: false): an unknown field is a 400, never silently dropped.

const wallTime = Type.String({ pattern: '^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$' })
const openingWindow = Type.Object(
  { weekday: Type.Integer({ minimum: 1, maximum: 7 }), opens: wallTime, closes: wallTime },
  { additionalProperties: false },
)
const openingHours = Type.Array(openingWindow, { maxItems: 50 })

export const resourceSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    timeZone: Type.String(),
    openingHours,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
)

const name = Type.String({ minLength: 1, maxLength: 200 })
const description = Type.String({ maxLength: 2000 })
const timeZone = Type.String({ minLength: 1, maxLength: 64 })

export const createResourceBody = Type.Object(
  {
    name,
    description: Type.Optional(description),
    timeZone: Type.Optional(timeZone),
    openingHours: Type.Optional(openingHours),
  },
  { additionalProperties: false },
)

export const updateResourceBody = Type.Object(
  {
    name: Type.Optional(name),
    description: Type.Optional(description),
    timeZone: Type.Optional(timeZone),
    openingHours: Type.Optional(openingHours),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const idParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })

export const pageQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Page size.' }),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: "The previous page's nextCursor." }),
    ),
  },
  { additionalProperties: false },
)

export const resourcesPage = Type.Object(
  {
    data: Type.Array(resourceSchema),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Null on the last page.' }),
  },
  { additionalProperties: false },
)

/** A 204's empty body. */
export const noContent = Type.Null({ description: 'Deleted; no body.' })
