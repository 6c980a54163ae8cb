export type { OutboundResponse } from './_attempt.ts'
export type { BreakerStateName, OutboundLogger } from './_policies.ts'
export { type ClientOptions, createClient, type OutboundClient, type OutboundRequest } from './client.ts'
export { OutboundUnavailableError, type UnavailableReason } from './errors.ts'
