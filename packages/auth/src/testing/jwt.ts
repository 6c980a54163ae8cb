import { createHmac, generateKeyPairSync } from 'node:crypto'
import { decodeJwt, exportSPKI, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { createContractClient, getAccessCookie } from './client.ts'
import { CONTRACT_JWT_SECRET, getAreaOverrides } from './overrides.ts'
import type { AuthContractOptions } from './types.ts'

const HS256 = { alg: 'HS256', typ: 'JWT' }
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

function signHmac(header: object, payload: object, key: string): string {
  const input = `${encode(header)}.${encode(payload)}`
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`
}

/** Tokens that each differ from a valid one by exactly one flaw. */
async function createForgeries(real: string, otherUserId: string): Promise<Record<string, string>> {
  const claims = decodeJwt(real)
  const { exp: _exp, ...withoutExp } = claims
  const [header, , signature] = real.split('.')
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const publicPem = await exportSPKI(publicKey)
  const past = Math.floor(Date.now() / 1000) - 3600
  return {
    'alg none': `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`,
    'alg none, signature kept': `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.${signature}`,
    'RS256 with a real key pair': await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey),
    'HS256 keyed with an RSA public key (key confusion)': signHmac(HS256, claims, publicPem),
    'RS256 header over an HMAC signature': signHmac(
      { alg: 'RS256', typ: 'JWT' },
      claims,
      CONTRACT_JWT_SECRET,
    ),
    'a wrong key': signHmac(HS256, claims, 'another-secret-that-is-at-least-32-bytes'),
    'a tampered payload (another user)': `${header}.${encode({ ...claims, sub: otherUserId })}.${signature}`,
    'a tampered payload (later exp)': `${header}.${encode({ ...claims, exp: (claims.exp ?? 0) + 3600 })}.${signature}`,
    expired: signHmac(HS256, { ...claims, iat: past - 60, exp: past }, CONTRACT_JWT_SECRET),
    'no exp': signHmac(HS256, withoutExp, CONTRACT_JWT_SECRET),
    'a wrong issuer': signHmac(HS256, { ...claims, iss: 'https://evil.example' }, CONTRACT_JWT_SECRET),
    'a wrong audience': signHmac(HS256, { ...claims, aud: 'another-service' }, CONTRACT_JWT_SECRET),
  }
}

export function describeJwt(options: AuthContractOptions): void {
  describe('auth contract: access-token (JWT) attacks', async () => {
    const service = await options.setup(getAreaOverrides())
    const client = createContractClient(service, options.allowedOrigin)

    it('alg none, HS/RS confusion, wrong key, tampered, expired, wrong iss/aud → 401 on GET /auth/me', async () => {
      const victim = await client.startSession()
      const other = await client.startSession()
      const login = await client.logIn(victim.email, victim.password)
      const access = getAccessCookie(login)
      const me = (token: string) => client.me(`${access.name}=${token}`)
      expect((await me(access.value)).statusCode).toBe(200)
      // Control: the same claims signed with the key the suite passed pass, so each forgery fails for its
      // flaw alone. A failure here means the service did not forward `jwtSecret` to authPlugin.
      const resigned = signHmac(HS256, decodeJwt(access.value), CONTRACT_JWT_SECRET)
      expect((await me(resigned)).statusCode, 'the service must forward setup overrides to authPlugin').toBe(
        200,
      )

      for (const [flaw, token] of Object.entries(await createForgeries(access.value, other.id))) {
        const response = await me(token)
        expect(response.statusCode, flaw).toBe(401)
        expect(response.json(), flaw).toMatchObject({ code: 'unauthenticated' })
      }
    })

    it('no cookie, or garbage in it → 401 unauthenticated', async () => {
      expect((await client.send({ method: 'GET', url: '/auth/me' })).statusCode).toBe(401)
      for (const garbage of ['x', 'a.b.c', '..', `${'A'.repeat(4000)}.e30.`]) {
        const response = await client.me(`__Host-access=${garbage}; access=${garbage}`)
        expect(response.statusCode, garbage).toBe(401)
      }
    })
  })
}
