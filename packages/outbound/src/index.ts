export type { OutboundResponse } from './_attempt.ts'
export type { BreakerStateName, OutboundLogger } from './_policies.ts'
export { type ClientOptions, createClient, type OutboundClient, type OutboundRequest } from './client.ts'
export {
  OutboundConfigError,
  OutboundUnavailableError,
  type UnavailableProblem,
  type UnavailableReason,
} from './errors.ts'
