export type { IdempotencyContractOptions } from './contract.ts'
export { describeIdempotencyContract } from './contract.ts'
export { holdIdempotencyKey } from './hold-key.ts'
