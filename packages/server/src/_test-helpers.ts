import { PassThrough } from 'node:stream'
import { expect } from 'vitest'
import { type App, createServer } from './create-server.ts'
import type { ServerOptions } from './options.ts'

export interface LogLine {
  level: string
  msg: string
  [key: string]: unknown
}

export interface TestServer {
  app: App
  lines: LogLine[]
}

/** A server whose JSON log lines are collected, with rate limiting and load shedding off unless asked for. */
export async function createTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const lines: LogLine[] = []
  const stream = new PassThrough()
  let pending = ''
  stream.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8')
    const parts = pending.split('\n')
    pending = parts.pop() ?? ''
    for (const part of parts) if (part !== '') lines.push(JSON.parse(part) as LogLine)
  })
  const app = await createServer({
    name: 'test',
    rateLimit: false,
    underPressure: false,
    ...options,
    logger: { level: 'info', ...options.logger, stream },
  })
  return { app, lines }
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
