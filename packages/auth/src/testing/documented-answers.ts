import { randomUUID } from 'node:crypto'

/** A request through the service under test (`app.inject`), as an OpenAPI coverage suite sends it. */
export type AnswerSend = (
  method: 'GET' | 'POST',
  url: string,
  request?: { headers?: Record<string, string>; payload?: unknown },
) => Promise<{ statusCode: number; cookies: { name: string; value: string }[] }>

/** `METHOD /path status` → a request that produces that documented answer. */
export type DocumentedAnswers = Record<string, () => Promise<{ statusCode: number }>>

/**
 * A request for each answer auth's routes document, for a service's OpenAPI coverage test: the service
 * lists its own routes' answers beside these, and a route auth adds is covered where auth is. `origin` is
 * an Origin the service accepts, `password` one its policy accepts. Signs up a user of its own first.
 */
export async function createAuthAnswers(options: {
  send: AnswerSend
  origin: string
  password: string
}): Promise<DocumentedAnswers> {
  const { send, origin, password } = options
  const signUp = async (email = `${randomUUID()}@example.com`) => {
    const response = await send('POST', '/auth/signup', { headers: { origin }, payload: { email, password } })
    const cookie = response.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
    return { email, headers: { cookie, origin }, statusCode: response.statusCode }
  }
  const alice = await signUp()
  const signedIn = alice.headers
  return {
    'POST /auth/signup 201': () => signUp(),
    'POST /auth/signup 400': () =>
      send('POST', '/auth/signup', { headers: { origin }, payload: { email: 'not an email', password } }),
    'POST /auth/signup 409': () =>
      send('POST', '/auth/signup', { headers: { origin }, payload: { email: alice.email, password } }),
    'POST /auth/login 200': () =>
      send('POST', '/auth/login', { headers: { origin }, payload: { email: alice.email, password } }),
    'POST /auth/login 400': () => send('POST', '/auth/login', { headers: { origin }, payload: {} }),
    'POST /auth/login 401': () =>
      send('POST', '/auth/login', {
        headers: { origin },
        payload: { email: `${randomUUID()}@example.com`, password },
      }),
    'POST /auth/refresh 200': async () =>
      send('POST', '/auth/refresh', { headers: (await signUp()).headers }),
    'POST /auth/refresh 401': () => send('POST', '/auth/refresh', { headers: { origin } }),
    'POST /auth/logout 204': async () => send('POST', '/auth/logout', { headers: (await signUp()).headers }),
    'GET /auth/me 200': () => send('GET', '/auth/me', { headers: signedIn }),
    'GET /auth/me 401': () => send('GET', '/auth/me'),
    'POST /auth/password 204': async () => {
      const user = await signUp()
      const next = `${password} and more`
      return send('POST', '/auth/password', {
        headers: user.headers,
        payload: { currentPassword: password, newPassword: next },
      })
    },
    'POST /auth/password 400': () => send('POST', '/auth/password', { headers: signedIn, payload: {} }),
    'POST /auth/password 401': () =>
      send('POST', '/auth/password', {
        headers: { origin },
        payload: { currentPassword: password, newPassword: `${password} again` },
      }),
  }
}
