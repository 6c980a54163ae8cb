import { Writable } from 'node:stream'
import { expect } from 'vitest'
import { type App, createServer } from '../src/create-server.ts'
import type { ServerOptions } from '../src/options.ts'

// @shipshape/testing depends on this package, so these tests cannot use it (a dependency cycle). What they
// share here has the kit's shape and names (`captureLogs`, `expectProblem`): see packages/testing/README.md.

export interface LogLine {
  level: string
  msg: string
  [key: string]: unknown
}

export type LogCapture = {
  /** Hand this to the logger: `logger: { stream }`. */
  stream: Writable
  /** Every line as written (pino's JSON text). */
  raw: string[]
  /** The same lines, parsed. */
  lines: LogLine[]
}

/** Collects what a logger writes, line by line. */
export function captureLogs(): LogCapture {
  const raw: string[] = []
  const lines: LogLine[] = []
  let pending = ''
  const stream = new Writable({
    write(chunk, _encoding, done) {
      pending += String(chunk)
      const parts = pending.split('\n')
      pending = parts.pop() ?? ''
      for (const part of parts) {
        if (part === '') continue
        raw.push(part)
        lines.push(JSON.parse(part) as LogLine)
      }
      done()
    },
  })
  return { stream, raw, lines }
}

export interface TestServer {
  app: App
  logs: LogCapture
}

/** A server whose JSON log lines are collected, with rate limiting and load shedding off unless asked for. */
export async function createTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const logs = captureLogs()
  const app = await createServer({
    name: 'test',
    rateLimit: false,
    underPressure: false,
    ...options,
    logger: { level: 'info', ...options.logger, stream: logs.stream },
  })
  return { app, logs }
}

export function parseJson(body: string): Record<string, unknown> {
  return JSON.parse(body) as Record<string, unknown>
}

/** Resolves once `predicate` holds, polling; for log lines written after the response. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const start = Date.now()
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

interface ResponseLike {
  statusCode: number
  headers: Record<string, unknown>
  body: string
}

/** Asserts the response is a problem+json document with this status and code, and returns it. */
export function expectProblem(response: ResponseLike, status: number, code: string): Record<string, unknown> {
  expect(response.statusCode).toBe(status)
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json(;|$)/)
  const body = parseJson(response.body)
  expect(body).toMatchObject({ status, code })
  expect(body.requestId).toBe(response.headers['x-request-id'])
  expect(response.body).not.toMatch(/\bat .+:\d+:\d+|node_modules|\/src\//)
  return body
}
