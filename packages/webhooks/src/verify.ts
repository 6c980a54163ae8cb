import { verifyGithubWebhook } from './github.ts'
import { verifyStandardWebhook } from './standard.ts'
import { verifyStripeWebhook } from './stripe.ts'
import type { VerifyInput, VerifyResult, WebhookScheme } from './types.ts'

const verifiers: Record<WebhookScheme, (input: VerifyInput) => VerifyResult> = {
  standard: verifyStandardWebhook,
  stripe: verifyStripeWebhook,
  github: verifyGithubWebhook,
}

/** Verifies a delivery with the given scheme. */
export function verifyWebhook(scheme: WebhookScheme, input: VerifyInput): VerifyResult {
  return verifiers[scheme](input)
}
