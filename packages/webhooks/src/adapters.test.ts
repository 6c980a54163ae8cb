import { describe, expect, it } from 'vitest'
import { signGithubWebhook, verifyGithubWebhook } from './github.ts'
import { signStripeWebhook, verifyStripeWebhook } from './stripe.ts'

describe('GitHub X-Hub-Signature-256', () => {
  // GitHub's documentation ("Validating webhook deliveries") publishes this vector.
  const secret = "It's a Secret to Everybody"
  const body = Buffer.from('Hello, World!')
  const signature = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'
  const headers = { 'x-hub-signature-256': signature, 'x-github-delivery': 'delivery-1' }

  it('refuses a missing signature or delivery header', () => {
    expect(
      verifyGithubWebhook({ rawBody: body, headers: { 'x-github-delivery': 'd' }, secrets: [secret] }).ok,
    ).toBe(false)
    expect(
      verifyGithubWebhook({ rawBody: body, headers: { 'x-hub-signature-256': signature }, secrets: [secret] })
        .ok,
    ).toBe(false)
  })

  it('refuses a tampered body, a wrong secret and a sha1 signature', () => {
    expect(
      verifyGithubWebhook({ rawBody: Buffer.from('Hello, World?'), headers, secrets: [secret] }).ok,
    ).toBe(false)
    expect(verifyGithubWebhook({ rawBody: body, headers, secrets: ['wrong'] }).ok).toBe(false)
    const sha1 = { ...headers, 'x-hub-signature-256': signature.replace('sha256=', 'sha1=') }
    expect(verifyGithubWebhook({ rawBody: body, headers: sha1, secrets: [secret] }).ok).toBe(false)
  })

  it('accepts the documented vector and returns the delivery id', () => {
    expect(signGithubWebhook({ body, secret })).toBe(signature)
    expect(verifyGithubWebhook({ rawBody: body, headers, secrets: ['old', secret] })).toEqual({
      ok: true,
      id: 'delivery-1',
    })
  })
})

describe('Stripe-Signature', () => {
  // Stripe publishes no fixed vector; this one was computed independently with
  // `printf '%s' '1614265330.<body>' | openssl dgst -sha256 -hmac whsec_test_secret`.
  const secret = 'whsec_test_secret'
  const body = Buffer.from('{"id":"evt_test_webhook","object":"event"}')
  const t = 1614265330
  const v1 = '3c5817089d739023dd6190f70a3757e04f7a2fd8b5dab12c2e000f51970dccff'
  const verify = (header: string, options: { now?: number; rawBody?: Buffer; secrets?: string[] } = {}) =>
    verifyStripeWebhook({
      rawBody: options.rawBody ?? body,
      headers: { 'stripe-signature': header },
      secrets: options.secrets ?? [secret],
      nowSeconds: options.now ?? t,
    })

  it('refuses a missing or unparsable header', () => {
    expect(verifyStripeWebhook({ rawBody: body, headers: {}, secrets: [secret] }).ok).toBe(false)
    expect(verify("I'm not even a real signature header")).toEqual({ ok: false, reason: 'invalid_timestamp' })
    expect(verify(`t=${t},t=${t + 1},v1=${v1}`).ok).toBe(false)
  })

  it('refuses a stale or future timestamp', () => {
    expect(verify(`t=${t},v1=${v1}`, { now: t + 301 })).toEqual({ ok: false, reason: 'stale_timestamp' })
    expect(verify(`t=${t},v1=${v1}`, { now: t - 301 })).toEqual({ ok: false, reason: 'stale_timestamp' })
  })

  it('refuses a tampered body, a wrong secret and the digest under v0 only', () => {
    expect(
      verify(`t=${t},v1=${v1}`, { rawBody: Buffer.from('{"id":"evt_other","object":"event"}') }).ok,
    ).toBe(false)
    expect(verify(`t=${t},v1=${v1}`, { secrets: ['whsec_other'] }).ok).toBe(false)
    expect(verify(`t=${t},v0=${v1}`).ok).toBe(false)
  })

  it('refuses a signed body without an event id', () => {
    const noId = Buffer.from('{"object":"event"}')
    const header = signStripeWebhook({ timestampSeconds: t, body: noId, secret })
    expect(verify(header, { rawBody: noId })).toEqual({ ok: false, reason: 'missing_delivery_id' })
  })

  it('accepts the vector among several v1 entries and returns the event id', () => {
    expect(signStripeWebhook({ timestampSeconds: t, body, secret })).toBe(`t=${t},v1=${v1}`)
    expect(verify(`t=${t},v1=potato,v1=${v1},v0=abc`)).toEqual({ ok: true, id: 'evt_test_webhook' })
  })
})
