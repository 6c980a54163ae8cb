import { execFile } from 'node:child_process'
import diagnostics from 'node:diagnostics_channel'
import { promisify } from 'node:util'
import { type ExportResult, ExportResultCode } from '@opentelemetry/core'
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer'
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace'
import { type OtlpReceiver, startOtlpReceiver } from '@shipshape/testing/otlp'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { OTLPTraceExporter } from './exporter-otlp-proto.ts'
import { WorkerSpanExporter } from './worker-span-exporter.ts'

let receiver: OtlpReceiver

beforeEach(async () => {
  receiver = await startOtlpReceiver()
  vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', receiver.url)
})

afterEach(async () => {
  vi.unstubAllEnvs()
  await receiver.close()
})

async function finishedSpans(...names: string[]): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter()
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] })
  const tracer = provider.getTracer('worker-span-exporter-test')
  for (const name of names) tracer.startSpan(name).end()
  // The simple processor hands a span on in a later job.
  await provider.forceFlush()
  return memory.getFinishedSpans()
}

function exportSpans(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve))
}

describe('the OTLP exporter', () => {
  it('sends from a thread of its own: the collector gets the spans, and this thread makes no HTTP request', async () => {
    const requests: unknown[] = []
    const onRequest = (message: unknown): void => void requests.push(message)
    diagnostics.subscribe('http.client.request.created', onRequest)
    const exporter = new OTLPTraceExporter()
    try {
      const result = await exportSpans(exporter, await finishedSpans('first', 'second'))
      expect(result).toEqual({ code: ExportResultCode.SUCCESS })
    } finally {
      diagnostics.unsubscribe('http.client.request.created', onRequest)
      await exporter.shutdown()
    }
    expect(receiver.spans.map((span) => span.name).sort()).toEqual(['first', 'second'])
    expect(requests).toEqual([])
  })

  it('answers a failed export with the reason, from the worker', async () => {
    await receiver.close()
    // Refused connections are retried until the export's timeout.
    vi.stubEnv('OTEL_EXPORTER_OTLP_TIMEOUT', '500')
    const exporter = new OTLPTraceExporter()
    try {
      const result = await exportSpans(exporter, await finishedSpans('lost'))
      expect(result.code).toBe(ExportResultCode.FAILED)
      expect(result.error?.message).toMatch(/ECONNREFUSED/)
    } finally {
      await exporter.shutdown()
    }
  })

  it('waits, when shut down, for the exports the worker holds; later exports fail at once', async () => {
    const exporter = new OTLPTraceExporter()
    const spans = await finishedSpans('held')
    const held = exportSpans(exporter, spans)
    await exporter.shutdown()
    expect(receiver.spans.map((span) => span.name)).toEqual(['held'])
    expect(await held).toEqual({ code: ExportResultCode.SUCCESS })

    const late = await exportSpans(exporter, await finishedSpans('late'))
    expect(late.code).toBe(ExportResultCode.FAILED)
    expect(late.error?.message).toBe('the exporter has shut down')
    await exporter.shutdown()
  })

  it('keeps the process alive while an answer is awaited, and not after', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [new URL('../test/export-and-return.ts', import.meta.url).pathname],
      { env: { PATH: process.env.PATH, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, timeout: 10_000 },
    )
    expect(stdout).toBe('exported: success\nexported: success\n')
    expect(receiver.spans.map((span) => span.name)).toEqual(['awaited', 'sent before exit'])
  })
})

describe('the preload given to every thread through NODE_OPTIONS', () => {
  it('starts nothing in the export worker', async () => {
    const preloads = [
      new URL('../test/thread-spy.mjs', import.meta.url).pathname,
      new URL('./register.ts', import.meta.url).pathname,
    ]
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [new URL('../test/export-and-return.ts', import.meta.url).pathname],
      {
        env: {
          PATH: process.env.PATH,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          NODE_OPTIONS: preloads.map((path) => `--import ${path}`).join(' '),
        },
        timeout: 10_000,
      },
    )
    expect(stdout).toBe('exported: success\nexported: success\n')
    expect(stderr).not.toMatch(/worker loaded/)
  })
})

describe('a worker that dies', () => {
  it('fails the exports it held, and the next export starts another', async () => {
    const exporter = new WorkerSpanExporter({
      serializer: ProtobufTraceSerializer,
      contentType: 'application/x-protobuf',
      workerUrl: new URL('../test/exits-on-first-export.ts', import.meta.url),
    })
    try {
      const first = await exportSpans(exporter, await finishedSpans('crashed'))
      expect(first.code).toBe(ExportResultCode.FAILED)
      expect(first.error?.message).toBe('the export worker exited (code 3)')
      expect(await exportSpans(exporter, await finishedSpans('after'))).toEqual({
        code: ExportResultCode.SUCCESS,
      })
    } finally {
      await exporter.shutdown()
    }
  })
})
