import { randomBytes } from 'node:crypto'
import { getCookieHeader } from '@shipshape/testing'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { expect } from 'vitest'
import type { AuthContractService } from './types.ts'

export type Response = LightMyRequestResponse

export type Session = { email: string; password: string; id: string; cookie: string }

export type ContractClient = {
  /** Every response body and Location header this client received, for the secrets check. */
  readonly seen: string[]
  send(options: InjectOptions): Promise<Response>
  /** An unsafe JSON request from the allowed origin, with the session cookie when given. */
  sendJson(
    method: 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    cookie?: string,
  ): Promise<Response>
  signUp(email: string, password: string): Promise<Response>
  logIn(email: string, password: string, remoteAddress?: string): Promise<Response>
  refresh(cookie: string): Promise<Response>
  me(cookie: string): Promise<Response>
  /** Signs up a fresh account and returns its session. */
  startSession(): Promise<Session>
}

export const createEmail = (label: string) => `${label}-${randomBytes(6).toString('hex')}@example.test`

/** A policy-compliant passphrase that occurs nowhere else, so finding it in a log means it leaked. */
export const createPassword = () => `contract passphrase ${randomBytes(9).toString('hex')}`

export function getAccessCookie(response: Response): { name: string; value: string } {
  const cookie = response.cookies.find((candidate) => /^(__Host-)?access$/.test(candidate.name))
  if (!cookie) throw new Error(`no access cookie in ${JSON.stringify(response.cookies.map((c) => c.name))}`)
  return cookie
}

export function createContractClient(service: AuthContractService, allowedOrigin: string): ContractClient {
  const seen: string[] = []
  const send = async (options: InjectOptions) => {
    const response = await service.app.inject(options)
    seen.push(response.body, String(response.headers.location ?? ''))
    return response
  }
  const sendJson: ContractClient['sendJson'] = (method, url, payload, cookie) =>
    send({
      method,
      url,
      headers: {
        origin: allowedOrigin,
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...(cookie ? { cookie } : {}),
      },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    })
  const signUp = (email: string, password: string) => sendJson('POST', '/auth/signup', { email, password })
  return {
    seen,
    send,
    sendJson,
    signUp,
    logIn: (email, password, remoteAddress = '127.0.0.1') =>
      send({
        method: 'POST',
        url: '/auth/login',
        headers: { origin: allowedOrigin, 'content-type': 'application/json' },
        payload: JSON.stringify({ email, password }),
        remoteAddress,
      }),
    refresh: (cookie) => sendJson('POST', '/auth/refresh', undefined, cookie),
    me: (cookie) => send({ method: 'GET', url: '/auth/me', headers: { cookie } }),
    async startSession() {
      const email = createEmail('user')
      const password = createPassword()
      const response = await signUp(email, password)
      expect(response.statusCode, `sign-up failed: ${response.body}`).toBe(201)
      return { email, password, id: response.json().id, cookie: getCookieHeader(response) }
    },
  }
}
