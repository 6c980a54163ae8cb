import type { Options as AjvOptions } from 'ajv'

// What the validators' Ajv instances are made with (validators.ts), and the meta-schema compiled ahead of time
// with the body instance's options (generate-meta-schema.ts).

export const DRAFT_07 = 'http://json-schema.org/draft-07/schema'

export const SHARED = {
  // Unknown fields must reach the schema's additionalProperties:false and fail, never vanish silently.
  removeAdditional: false,
  useDefaults: true,
  // One error is enough for the client; collecting all of them lets a large body cost a lot of CPU.
  allErrors: false,
  addUsedSchema: false,
} satisfies AjvOptions

/** The body instance's options; `generate-meta-schema.ts` compiles the meta-schema with them. */
export const BODY_OPTIONS = { ...SHARED, coerceTypes: false } satisfies AjvOptions
