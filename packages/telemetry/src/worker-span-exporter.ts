import { Worker } from 'node:worker_threads'
import { type ExportResult, ExportResultCode } from '@opentelemetry/core'
import type { ISerializer } from '@opentelemetry/otlp-transformer'
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace'
import { exportWorkerEnv } from './read-otel-env.ts'

/** What the main thread asks of the worker (export-worker.ts). */
export type ExportRequest =
  | { op: 'export'; id: number; bytes: Uint8Array }
  | { op: 'flush'; id: number }
  | { op: 'shutdown'; id: number }

/** The worker's answer to one request: no error is success. */
export interface ExportWorkerReply {
  id: number
  error?: Error
}

export interface ExportWorkerData {
  contentType: string
}

export interface WorkerSpanExporterOptions {
  /** Turns spans into the request body: protobuf or JSON (`@opentelemetry/otlp-transformer`). */
  serializer: ISerializer<ReadableSpan[], unknown>
  contentType: string
  /** The worker's module (export-worker.js, beside this one). */
  workerUrl: URL
}

/**
 * An OTLP/HTTP span exporter whose network half runs in a worker thread. The spans are serialized here, on
 * the thread that recorded them, and only their bytes are handed over. Why: an HTTP client on the main
 * thread runs Node's `http`, `net` and `stream` code, which the server's request path also runs, with
 * objects of other shapes, and V8 recompiles that shared code polymorphic; the server then pays for
 * exporting on every request (bench/README, the twenty-second pass). In a worker the client has an
 * isolate, and type feedback, of its own.
 *
 * The worker starts with the first export, not with the process (a start stays as quick as without an
 * exporter), and keeps the process alive only while an answer is awaited. If it dies, the exports it
 * held fail (the batch processor reports and drops them) and the next export starts another.
 */
export class WorkerSpanExporter implements SpanExporter {
  private readonly options: WorkerSpanExporterOptions
  private worker: Worker | undefined
  private readonly pending = new Map<number, (error: Error | undefined) => void>()
  private lastId = 0
  private stopped: Promise<void> | undefined

  constructor(options: WorkerSpanExporterOptions) {
    this.options = options
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped !== undefined) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('the exporter has shut down') })
      return
    }
    let bytes: Uint8Array | undefined
    try {
      bytes = this.options.serializer.serializeRequest(spans)
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error })
      return
    }
    if (bytes === undefined) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('nothing to send') })
      return
    }
    // The bytes move to the worker when they own their whole buffer, and are copied when they share one.
    const transfer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    this.request({ op: 'export', bytes }, transfer ? [bytes.buffer as ArrayBuffer] : []).then((error) =>
      resultCallback(
        error === undefined ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED, error },
      ),
    )
  }

  /** Waits for the exports the worker holds (nothing to wait for when it has not started). */
  async forceFlush(): Promise<void> {
    if (this.worker === undefined) return
    const error = await this.request({ op: 'flush' })
    if (error !== undefined) throw error
  }

  /** Waits for the exports the worker holds, then stops it. Safe to call twice. */
  shutdown(): Promise<void> {
    this.stopped ??= this.stop()
    return this.stopped
  }

  private async stop(): Promise<void> {
    const worker = this.worker
    if (worker === undefined) return
    const error = await this.request({ op: 'shutdown' })
    this.worker = undefined
    await worker.terminate()
    if (error !== undefined) throw error
  }

  /** Sends one request to the worker (started if need be); resolves with its error, if any. */
  private request(
    message: Omit<ExportRequest, 'id'> & Partial<ExportRequest>,
    transfer: ArrayBuffer[] = [],
  ): Promise<Error | undefined> {
    const worker = this.startedWorker()
    const id = ++this.lastId
    return new Promise((resolve) => {
      // An answer awaited keeps the process alive (a flush at shutdown); an idle worker does not.
      if (this.pending.size === 0) worker.ref()
      this.pending.set(id, resolve)
      worker.postMessage({ ...message, id }, transfer)
    })
  }

  private startedWorker(): Worker {
    if (this.worker !== undefined) return this.worker
    const worker = new Worker(this.options.workerUrl, {
      workerData: { contentType: this.options.contentType } satisfies ExportWorkerData,
      // Not the service's preload (`--import @shipshape/telemetry/register`) nor its other flags. One given
      // through NODE_OPTIONS runs in every thread: told that tracing is off here, it starts nothing.
      execArgv: [],
      env: exportWorkerEnv(),
      stdout: false,
      stderr: false,
    })
    worker.unref()
    worker.on('message', (reply: ExportWorkerReply) => this.settle(reply.id, reply.error))
    worker.on('error', (error) => this.failAll(worker, error))
    worker.on('exit', (code) => this.failAll(worker, new Error(`the export worker exited (code ${code})`)))
    this.worker = worker
    return worker
  }

  private settle(id: number, error: Error | undefined): void {
    const resolve = this.pending.get(id)
    if (resolve === undefined) return
    this.pending.delete(id)
    if (this.pending.size === 0) this.worker?.unref()
    resolve(error)
  }

  /** The worker is gone: what it held fails, and the next request starts another. */
  private failAll(worker: Worker, error: Error): void {
    if (this.worker === worker) this.worker = undefined
    const waiting = [...this.pending.values()]
    this.pending.clear()
    for (const resolve of waiting) resolve(error)
  }
}
