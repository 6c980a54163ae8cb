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
  return {
    sign: ({ userId, sessionId }) =>
      new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(secret),
    async verify(token) {
      try {
        // Pinning the algorithm is what stops `alg: none` and RS/HS key confusion.
        const { payload } = await jwtVerify(token, secret, {
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
