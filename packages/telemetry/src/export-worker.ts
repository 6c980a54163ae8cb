/**
 * The OTLP exporter's network half, run in a worker thread (worker-span-exporter.ts starts it): it receives
 * export requests the main thread has already serialized, and sends them with the exporter's own HTTP
 * delegate (endpoint, headers, compression and timeout from `OTEL_EXPORTER_OTLP_*`, retries with backoff,
 * a bounded number of exports at once). Only the bytes cross threads.
 */
import { parentPort, workerData } from 'node:worker_threads'
import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
} from '@opentelemetry/otlp-exporter-base/node-http'
import type { ExportRequest, ExportWorkerData, ExportWorkerReply } from './worker-span-exporter.ts'

const { contentType } = workerData as ExportWorkerData
const port = parentPort
if (port === null) throw new Error('export-worker.ts runs as a worker thread')

const delegate = createOtlpHttpExportDelegate<Uint8Array, undefined>(
  convertLegacyHttpOptions({}, 'TRACES', 'v1/traces', { 'Content-Type': contentType }),
  // The request arrives serialized. The collector's answer is read only to log a partial success through
  // the SDK's diagnostics, which this package does not set up: it is not decoded.
  { serializeRequest: (bytes) => bytes, deserializeResponse: () => undefined },
  'otlp_http_span_exporter',
  // Self-metrics need a meter provider, and none is given: nothing counts.
  { name: 'span', countItems: () => 0 },
  undefined,
)

const reply = (message: ExportWorkerReply): void => port.postMessage(message)

port.on('message', (request: ExportRequest) => {
  switch (request.op) {
    case 'export':
      delegate.export(request.bytes, (result) => reply({ id: request.id, error: result.error }))
      return
    case 'flush':
      delegate.forceFlush().then(
        () => reply({ id: request.id }),
        (error: Error) => reply({ id: request.id, error }),
      )
      return
    case 'shutdown':
      delegate.shutdown().then(
        () => reply({ id: request.id }),
        (error: Error) => reply({ id: request.id, error }),
      )
      return
  }
})
