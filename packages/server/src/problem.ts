import { PROBLEM_CODE_PATTERN } from '@shipshape/errors'
import { Type } from 'typebox'

export {
  getStatusTitle,
  type ProblemBody,
  ProblemError,
  type ProblemInit,
  toProblemBody,
} from '@shipshape/errors'

/** JSON schema of the problem document, for route `response` declarations and the OpenAPI document. */
export const problemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.Optional(Type.String()),
    code: Type.String({ pattern: PROBLEM_CODE_PATTERN }),
    requestId: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: true },
)
