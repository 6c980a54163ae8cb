// Exports one span through the OTLP exporter and waits for the answer; then exports another and returns
// at once, without awaiting it: the process must stay for that answer (and print it), then exit with
// nothing left to do.
import type { ExportResult } from '@opentelemetry/core'
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import { OTLPTraceExporter } from '../src/exporter-otlp-proto.ts'

const memory = new InMemorySpanExporter()
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] })
const tracer = provider.getTracer('lifetime')
tracer.startSpan('awaited').end()
tracer.startSpan('sent before exit').end()
await provider.forceFlush()
const [awaited, last] = memory.getFinishedSpans()

const exporter = new OTLPTraceExporter()
const print = (result: ExportResult): void => {
  process.stdout.write(`exported: ${result.code === 0 ? 'success' : (result.error?.message ?? 'failed')}\n`)
}
await new Promise<void>((resolve) =>
  exporter.export(awaited ? [awaited] : [], (result) => {
    print(result)
    resolve()
  }),
)
exporter.export(last ? [last] : [], print)
