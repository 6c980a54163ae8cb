import type { SpanProcessor } from '@opentelemetry/sdk-trace'
import { afterEach, expect, it, vi } from 'vitest'
import { shutdownTelemetry, startTelemetry } from './index.ts'

// The SDK this file starts stays for the rest of it: one shutdown, the first test's.
const late = Promise.withResolvers<void>()
const hanging: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => late.promise,
}

afterEach(() => {
  vi.restoreAllMocks()
})

it('stops waiting once the signal aborts, says so on stderr, and a flush failing later rejects nothing', async () => {
  startTelemetry({ spanProcessors: [hanging] })
  const written = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  try {
    await shutdownTelemetry({ signal: AbortSignal.timeout(50) })
    late.reject(new Error('export failed'))
    await new Promise((resolve) => setTimeout(resolve, 50))
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
  expect(unhandled).toEqual([])
  const lines = written.mock.calls.map(([chunk]) => JSON.parse(String(chunk)) as Record<string, unknown>)
  expect(lines).toEqual([
    expect.objectContaining({
      level: 'warn',
      name: '@shipshape/telemetry',
      msg: 'spans not yet sent were dropped: the collector had not answered by the deadline',
    }),
  ])
})

it('waits for a shutdown already failed, and resolves with a warning naming the failure', async () => {
  const written = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  await shutdownTelemetry()
  const lines = written.mock.calls.map(([chunk]) => JSON.parse(String(chunk)) as Record<string, unknown>)
  expect(lines).toEqual([
    expect.objectContaining({
      msg: 'spans not yet sent were dropped: the last export failed (export failed)',
    }),
  ])
})
