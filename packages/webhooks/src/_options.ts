import { OptionsError } from '@shipshape/errors'
import { decodeStandardSecret } from './standard.ts'
import type { WebhookScheme } from './types.ts'

/** One sender: how it signs and the secrets accepted now (several while rotating). */
export interface WebhookSourceConfig {
  readonly scheme: WebhookScheme
  readonly secrets: readonly string[]
}

const schemes: ReadonlySet<string> = new Set<WebhookScheme>(['standard', 'stripe', 'github'])

/** Refuses at registration a source that could never verify, or would verify with an empty key. */
export function assertSources(sources: Readonly<Record<string, WebhookSourceConfig>>): void {
  const names = Object.keys(sources)
  if (names.length === 0)
    throw new OptionsError('SHIPSHAPE_WEBHOOKS_SOURCES_MISSING', 'At least one webhook source is required')
  for (const name of names) {
    const source = sources[name]
    if (source === undefined || !schemes.has(source.scheme)) {
      throw new OptionsError(
        'SHIPSHAPE_WEBHOOKS_SCHEME_INVALID',
        `Webhook source "${name}" has an unknown scheme`,
      )
    }
    if (source.secrets.length === 0 || source.secrets.some((secret) => secret.length === 0)) {
      throw new OptionsError(
        'SHIPSHAPE_WEBHOOKS_SECRET_MISSING',
        `Webhook source "${name}" needs at least one non-empty secret`,
      )
    }
    if (source.scheme === 'standard') source.secrets.forEach(decodeStandardSecret)
  }
}

/** Looks a source up by its own keys only, so `__proto__` or `constructor` in the URL is just unknown. */
export function getSource(
  sources: Readonly<Record<string, WebhookSourceConfig>>,
  name: string,
): WebhookSourceConfig | undefined {
  return Object.hasOwn(sources, name) ? sources[name] : undefined
}
