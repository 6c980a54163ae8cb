import { describe, expect, it } from 'vitest'
import { decodeStandardSecret, signStandardWebhook, verifyStandardWebhook } from './standard.ts'

// The values of the Standard Webhooks specification's own test suite
// (standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts, "sign function works").
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek'
const TIMESTAMP = 1614265330
const BODY = Buffer.from('{"test": 2432232314}')
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
// A valid-looking signature for some other content, from the same suite's multi-signature test.
const OTHER = 'Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc='

function headersFor(overrides: Record<string, string | undefined> = {}) {
  return {
    'webhook-id': ID,
    'webhook-timestamp': String(TIMESTAMP),
    'webhook-signature': SIGNATURE,
    ...overrides,
  }
}

function verify(
  headers: Record<string, string | undefined>,
  options: { secrets?: string[]; now?: number } = {},
) {
  return verifyStandardWebhook({
    rawBody: BODY,
    headers,
    secrets: options.secrets ?? [SECRET],
    nowSeconds: options.now ?? TIMESTAMP,
  })
}

describe('Standard Webhooks verification', () => {
  it('refuses each missing header', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      expect(verify(headersFor({ [name]: undefined }))).toEqual({ ok: false, reason: 'missing_header' })
    }
  })

  it('refuses a timestamp that is not a number of seconds', () => {
    expect(verify(headersFor({ 'webhook-timestamp': 'hello' }))).toEqual({
      ok: false,
      reason: 'invalid_timestamp',
    })
    expect(verify(headersFor({ 'webhook-timestamp': '1614265330.5' })).ok).toBe(false)
  })

  it('refuses a stale or a future timestamp beyond 300 s, accepts one at the edge', () => {
    expect(verify(headersFor(), { now: TIMESTAMP + 301 })).toEqual({ ok: false, reason: 'stale_timestamp' })
    expect(verify(headersFor(), { now: TIMESTAMP - 301 })).toEqual({ ok: false, reason: 'stale_timestamp' })
    expect(verify(headersFor(), { now: TIMESTAMP + 300 }).ok).toBe(true)
  })

  it('refuses a wrong, partial or empty signature and a wrong secret', () => {
    expect(verify(headersFor({ 'webhook-signature': 'v1,dawfeoifkpqwoekfpqoekf' })).ok).toBe(false)
    expect(verify(headersFor({ 'webhook-signature': SIGNATURE.slice(0, 8) })).ok).toBe(false)
    expect(verify(headersFor({ 'webhook-signature': 'v1,' })).ok).toBe(false)
    expect(verify(headersFor(), { secrets: ['whsec_dGhlIHdyb25nIHNlY3JldA=='] })).toEqual({
      ok: false,
      reason: 'invalid_signature',
    })
  })

  it('refuses a tampered body or id, since both are signed', () => {
    const tampered = verifyStandardWebhook({
      rawBody: Buffer.from('{"test": 2432232315}'),
      headers: headersFor(),
      secrets: [SECRET],
      nowSeconds: TIMESTAMP,
    })
    expect(tampered.ok).toBe(false)
    expect(verify(headersFor({ 'webhook-id': 'msg_other' })).ok).toBe(false)
  })

  it('refuses the right signature under another version tag', () => {
    expect(verify(headersFor({ 'webhook-signature': SIGNATURE.replace('v1,', 'v2,') })).ok).toBe(false)
  })

  it('accepts the specification vector, with or without the whsec_ prefix', () => {
    expect(verify(headersFor())).toEqual({ ok: true, id: ID })
    expect(verify(headersFor(), { secrets: [SECRET.slice('whsec_'.length)] })).toEqual({ ok: true, id: ID })
  })

  it('accepts a valid signature among several (the specification multi-signature case)', () => {
    const signatures = [`v1,${OTHER}`, `v2,${OTHER}`, SIGNATURE, `v1,${OTHER}`].join(' ')
    expect(verify(headersFor({ 'webhook-signature': signatures })).ok).toBe(true)
  })

  it('accepts any of several secrets, for rotation', () => {
    expect(verify(headersFor(), { secrets: ['whsec_bmV3IHNlY3JldA==', SECRET] }).ok).toBe(true)
  })

  it('signs exactly as the specification vector', () => {
    expect(signStandardWebhook({ id: ID, timestampSeconds: TIMESTAMP, body: BODY, secret: SECRET })).toBe(
      SIGNATURE,
    )
  })

  it('refuses a secret that is not base64 at configuration time', () => {
    const invalid = expect.objectContaining({
      name: 'OptionsError',
      code: 'SHIPSHAPE_WEBHOOKS_SECRET_INVALID',
    })
    expect(() => decodeStandardSecret('whsec_not base64!')).toThrow(invalid)
    expect(() => decodeStandardSecret('whsec_')).toThrow(invalid)
  })
})
