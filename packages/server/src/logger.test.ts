import { context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { captureLogs, createTestServer, waitFor } from '../test/test-server.ts'
import { createLogger } from './logger.ts'

describe('the logger', () => {
  it('redacts credentials and secrets at common depths', async () => {
    const { stream, lines } = captureLogs()
    const log = createLogger('svc', { stream, redact: ['card.number'] })
    log.info({
      req: { headers: { cookie: 'sid=1', authorization: 'Bearer abc', accept: 'json' } },
      res: { headers: { 'set-cookie': 'sid=2' } },
      password: 'p1',
      body: { password: 'p2', user: { token: 't1', accessToken: 'a1', refreshToken: 'r1', secret: 's1' } },
      card: { number: '4242' },
    })
    await waitFor(() => lines.length === 1)
    const text = JSON.stringify(lines[0])
    for (const secret of ['sid=1', 'Bearer abc', 'sid=2', 'p1', 'p2', 't1', 'a1', 'r1', 's1', '4242']) {
      expect(text).not.toContain(`"${secret}"`)
    }
    expect(text).toContain('"accept":"json"')
    expect(lines[0]).toMatchObject({ level: 'info', name: 'svc', password: '[Redacted]' })
  })

  it('logs an error without the values it carries: parameters, detail, message lines after the first', async () => {
    const { stream, lines } = captureLogs()
    const log = createLogger('svc', { stream })
    // The shapes drizzle and node-postgres produce for a failed insert.
    const driver = Object.assign(new Error('new row for relation "users" violates check constraint "c"'), {
      code: '23514',
      detail: 'Failing row contains (1, ann@example.com, $argon2id$v=19$m=19456,t=2,p=1$abc$def).',
    })
    const query = Object.assign(
      new Error(
        'Failed query: insert into users (email, hash) values ($1, $2)\nparams: ann@example.com,$argon2id$x',
        {
          cause: driver,
        },
      ),
      {
        query: 'insert into users (email, hash) values ($1, $2)',
        params: ['ann@example.com', '$argon2id$x'],
      },
    )
    log.error({ err: query }, 'request failed')
    log.warn({ error: new AggregateError([driver], 'all attempts failed') }, 'retry failed')
    await waitFor(() => lines.length === 2)
    const text = JSON.stringify(lines)
    for (const value of ['ann@example.com', '$argon2id', 'params', 'Failing row'])
      expect(text).not.toContain(value)
    expect(lines[0]).toMatchObject({
      err: {
        type: 'Error',
        message: 'Failed query: insert into users (email, hash) values ($1, $2)',
        cause: { code: '23514', message: 'new row for relation "users" violates check constraint "c"' },
      },
    })
    expect(String((lines[0]?.err as { stack?: string } | undefined)?.stack)).toMatch(/\n\s+at /)
    expect(lines[1]).toMatchObject({ error: { type: 'AggregateError', errors: [{ code: '23514' }] } })
  })

  it('adds trace_id and span_id from the active span, and nothing without one', async () => {
    const { stream, lines } = captureLogs()
    const log = createLogger('svc', { stream })
    const manager = new AsyncLocalStorageContextManager().enable()
    context.setGlobalContextManager(manager)
    const span = trace.wrapSpanContext({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    })
    context.with(trace.setSpan(ROOT_CONTEXT, span), () => log.info('inside'))
    log.info('outside')
    context.disable()
    await waitFor(() => lines.length === 2)
    expect(lines[0]).toMatchObject({
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
    })
    expect(lines[1]?.trace_id).toBeUndefined()
  })
})

describe('response log lines', () => {
  const setup = async (logRequests: 'errors' | 'all' | 'none') => {
    const server = await createTestServer({ logRequests, slowRequestMs: 50 })
    server.app.get('/ok', async (request) => {
      request.log.info({ step: 'handler' }, 'handled')
      return { ok: true }
    })
    server.app.get('/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 120))
      return { ok: true }
    })
    server.app.get('/fail', async () => {
      throw new Error('kaboom')
    })
    return server
  }
  let errors: Awaited<ReturnType<typeof setup>>
  beforeAll(async () => {
    errors = await setup('errors')
  })
  afterAll(() => errors.app.close())

  it('in errors mode: nothing for a fast 200, info for 4xx, warn for slow, one error line with the stack for 5xx', async () => {
    const ok = await errors.app.inject({ url: '/ok' })
    const missing = await errors.app.inject({ url: '/missing' })
    const slow = await errors.app.inject({ url: '/slow' })
    const fail = await errors.app.inject({ url: '/fail' })
    await waitFor(() => errors.logs.lines.length >= 4)
    const byRequest = (response: { headers: Record<string, unknown> }) =>
      errors.logs.lines.filter((line) => line.requestId === response.headers['x-request-id'])
    expect(byRequest(ok).map((line) => line.msg)).toEqual(['handled'])
    expect(byRequest(missing).map((line) => [line.level, line.msg])).toEqual([['info', 'request rejected']])
    expect(byRequest(slow).map((line) => [line.level, line.msg])).toEqual([['warn', 'slow request']])
    const failed = byRequest(fail)
    expect(failed.map((line) => [line.level, line.msg])).toEqual([['error', 'request failed']])
    expect(failed[0]).toMatchObject({ statusCode: 500, method: 'GET', url: '/fail', route: '/fail' })
    expect(failed[0]?.err).toMatchObject({ stack: expect.stringContaining('kaboom') })
  })

  it('in all mode: one info line per successful response', async () => {
    const all = await setup('all')
    const ok = await all.app.inject({ url: '/ok' })
    await waitFor(() => all.logs.lines.length >= 2)
    await all.app.close()
    const lines = all.logs.lines.filter((line) => line.requestId === ok.headers['x-request-id'])
    expect(lines.map((line) => line.msg)).toEqual(['handled', 'request completed'])
  })

  it('in none mode: no response lines, but a server fault is still logged with its stack', async () => {
    const none = await setup('none')
    await none.app.inject({ url: '/missing' })
    await none.app.inject({ url: '/slow' })
    const fail = await none.app.inject({ url: '/fail' })
    await waitFor(() => none.logs.lines.length >= 1)
    await none.app.close()
    expect(none.logs.lines.map((line) => [line.level, line.msg, line.requestId])).toEqual([
      ['error', 'request failed', fail.headers['x-request-id']],
    ])
  })
})

describe("a request's logger", () => {
  it('is made only when the request logs, and its lines carry the request id and the route log level', async () => {
    const server = await createTestServer()
    server.app.get('/quiet', async () => ({ ok: true }))
    server.app.get('/chatty', async (request) => {
      request.log.info({ step: 1 }, 'first')
      request.log.debug('below the level')
      request.log.warn('second')
      return { ok: true }
    })
    server.app.get('/warn-only', { logLevel: 'warn' }, async (request) => {
      request.log.info('not logged at this route level')
      request.log.warn('logged')
      return { level: request.log.level }
    })
    await server.app.ready()
    const makeChild = vi.spyOn(server.app.log, 'child')

    for (let index = 0; index < 5; index++) await server.app.inject({ url: '/quiet' })
    expect(makeChild).not.toHaveBeenCalled()

    const chatty = await server.app.inject({ url: '/chatty' })
    const warnOnly = await server.app.inject({ url: '/warn-only' })
    await server.app.close()
    expect(makeChild).toHaveBeenCalledTimes(2)
    await waitFor(() => server.logs.lines.length >= 3)
    const byRequest = (response: { headers: Record<string, unknown> }) =>
      server.logs.lines
        .filter((line) => line.requestId === response.headers['x-request-id'])
        .map((line) => [line.level, line.msg])
    expect(byRequest(chatty)).toEqual([
      ['info', 'first'],
      ['warn', 'second'],
    ])
    expect(byRequest(warnOnly)).toEqual([['warn', 'logged']])
    expect(warnOnly.json()).toEqual({ level: 'warn' })
  })
})
