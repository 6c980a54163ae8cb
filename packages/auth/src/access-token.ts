import { webcrypto } from 'node:crypto'
import { errors, jwtVerify, SignJWT } from 'jose'

export interface AccessClaims {
  userId: string
  sessionId: string
}

export interface AccessTokens {
  sign(claims: AccessClaims): Promise<string>
  /** Null for anything not issued by us and still valid; the reason is not the caller's business. */
  verify(token: string): Promise<AccessClaims | null>
}

export interface AccessTokenOptions {
  secret: Uint8Array
  issuer: string
  audience: string
  ttlSeconds: number
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function createAccessTokens(options: AccessTokenOptions): AccessTokens {
  const { secret, issuer, audience, ttlSeconds } = options
  // Imported once: given the raw secret, jose imports a WebCrypto key on every sign and verify, which was a
  // few percent of an authenticated request's CPU. Not extractable; HMAC SHA-256 only, as HS256 needs.
  let key: Promise<webcrypto.CryptoKey> | undefined
  const getKey = () => {
    key ??= webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ])
    return key
  }
  return {
    sign: async ({ userId, sessionId }) =>
      new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(await getKey()),
    async verify(token) {
      try {
        // Pinning the algorithm is what stops `alg: none` and RS/HS key confusion.
        const { payload } = await jwtVerify(token, await getKey(), {
          algorithms: ['HS256'],
          issuer,
          audience,
          requiredClaims: ['exp', 'sub', 'sid'],
        })
        const { sub, sid } = payload
        if (typeof sub !== 'string' || typeof sid !== 'string' || !UUID.test(sub) || !UUID.test(sid))
          return null
        return { userId: sub, sessionId: sid }
      } catch (error) {
        if (error instanceof errors.JOSEError) return null
        throw error
      }
    },
  }
}
