export type { WebhookContractOptions } from './contract.ts'
export { describeWebhookContract } from './contract.ts'
