import { createHmac, generateKeyPairSync } from 'node:crypto'
import { exportSPKI, jwtVerify, SignJWT } from 'jose'
import { describe, expect, it, vi } from 'vitest'
import { createAccessTokens } from './access-token.ts'

const secret = new TextEncoder().encode('k'.repeat(32))
const options = { secret, issuer: 'https://issuer.test', audience: 'svc', ttlSeconds: 900 }
const tokens = createAccessTokens(options)
const claims = {
  userId: '0190a6c4-0000-4000-8000-000000000001',
  sessionId: '0190a6c4-0000-4000-8000-000000000002',
}

const b64 = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

function payload(extra: object = {}) {
  const now = Math.floor(Date.now() / 1000)
  return {
    sub: claims.userId,
    sid: claims.sessionId,
    iss: options.issuer,
    aud: options.audience,
    iat: now,
    exp: now + 600,
    ...extra,
  }
}

function signHmac(header: object, body: object, key: string | Uint8Array): string {
  const input = `${b64(header)}.${b64(body)}`
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`
}

describe('access tokens', () => {
  it('round-trips a token it signed', async () => {
    expect(await tokens.verify(await tokens.sign(claims))).toEqual(claims)
  })

  it('rejects alg none', async () => {
    expect(await tokens.verify(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload())}.`)).toBeNull()
  })

  it('rejects an RS256 token signed with a real key pair', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const token = await new SignJWT(payload()).setProtectedHeader({ alg: 'RS256' }).sign(privateKey)
    expect(await tokens.verify(token)).toBeNull()
  })

  it('rejects an HS256 token "signed" with a public key as the HMAC secret (key confusion)', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const pem = await exportSPKI(publicKey)
    expect(await tokens.verify(signHmac({ alg: 'HS256', typ: 'JWT' }, payload(), pem))).toBeNull()
    expect(await tokens.verify(signHmac({ alg: 'RS256', typ: 'JWT' }, payload(), pem))).toBeNull()
  })

  it('rejects a wrong key, a tampered payload, an expired token, a wrong issuer or audience', async () => {
    const header = { alg: 'HS256', typ: 'JWT' }
    expect(await tokens.verify(signHmac(header, payload(), 'w'.repeat(32)))).toBeNull()
    const [h, , s] = (await tokens.sign(claims)).split('.')
    const tampered = `${h}.${b64(payload({ sub: '0190a6c4-0000-4000-8000-000000000009' }))}.${s}`
    expect(await tokens.verify(tampered)).toBeNull()
    const past = Math.floor(Date.now() / 1000) - 3600
    expect(await tokens.verify(signHmac(header, payload({ iat: past, exp: past + 60 }), secret))).toBeNull()
    expect(await tokens.verify(signHmac(header, payload({ iss: 'https://evil.test' }), secret))).toBeNull()
    expect(await tokens.verify(signHmac(header, payload({ aud: 'other' }), secret))).toBeNull()
    expect(await tokens.verify(signHmac(header, payload({ sid: "x' or 1=1" }), secret))).toBeNull()
    expect(await tokens.verify('garbage')).toBeNull()
  })

  it('a token made by our own signer with the same claims passes (the forgeries above fail for their flaw)', async () => {
    expect(await tokens.verify(signHmac({ alg: 'HS256', typ: 'JWT' }, payload(), secret))).toEqual(claims)
  })

  it('issues standard HS256 tokens: an independent implementation (jose) verifies them', async () => {
    const token = await tokens.sign(claims)
    const { payload: verified, protectedHeader } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      issuer: options.issuer,
      audience: options.audience,
    })
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' })
    expect(verified).toMatchObject({ sub: claims.userId, sid: claims.sessionId })
    expect((verified.exp ?? 0) - (verified.iat ?? 0)).toBe(options.ttlSeconds)
  })

  it('signs and verifies with node:crypto, not WebCrypto (an async job per request cost ~60 µs of CPU)', async () => {
    const subtle = [
      vi.spyOn(crypto.subtle, 'importKey'),
      vi.spyOn(crypto.subtle, 'sign'),
      vi.spyOn(crypto.subtle, 'verify'),
    ]
    const fresh = createAccessTokens(options)
    for (let index = 0; index < 3; index++)
      expect(await fresh.verify(await fresh.sign(claims))).toEqual(claims)
    for (const spy of subtle) {
      expect(spy).not.toHaveBeenCalled()
      spy.mockRestore()
    }
  })
})
