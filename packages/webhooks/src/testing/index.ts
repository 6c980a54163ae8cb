export type { WebhookContractOptions } from './contract.ts'
export { describeWebhookContract } from './contract.ts'
export { createSignedDelivery, createWebhookAnswers, type WebhookAnswerSend } from './documented-answers.ts'
