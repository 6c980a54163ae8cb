import { once } from 'node:events'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import protobuf from 'protobufjs'

/**
 * An OTLP/HTTP trace receiver on loopback, as a collector is to the services' exporters: it accepts
 * `POST /v1/traces` in the protobuf encoding (the exporters' default, `http/protobuf`), decodes each request
 * with protobufjs and the OTLP proto definitions (this package's `proto/`, unchanged from
 * opentelemetry-proto), not with the exporter's own code, and keeps the spans. Anything else (another path,
 * the JSON encoding, a body that does not decode) is refused, so a misconfigured exporter fails the test.
 */

/** A span as the receiver keeps it: ids in hex, its service from the resource, attributes flattened. */
export type ReceivedSpan = {
  service: string
  scope: string
  traceId: string
  spanId: string
  /** Empty for a root span. */
  parentSpanId: string
  name: string
  kind: SpanKind
  attributes: Record<string, string | number | boolean>
}

/** opentelemetry.proto.trace.v1.Span.SpanKind */
export const SpanKind = { Internal: 1, Server: 2, Client: 3, Producer: 4, Consumer: 5 } as const
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind]

type AnyValue = { stringValue?: string; intValue?: number | { toNumber(): number }; boolValue?: boolean }
type KeyValue = { key: string; value?: AnyValue }
type ExportRequest = {
  resourceSpans: {
    resource?: { attributes: KeyValue[] }
    scopeSpans: {
      scope?: { name: string }
      spans: {
        traceId: Uint8Array
        spanId: Uint8Array
        parentSpanId: Uint8Array
        name: string
        kind: number
        attributes: KeyValue[]
      }[]
    }[]
  }[]
}

// From src/ and from dist/ alike.
const protoRoot = fileURLToPath(new URL('../proto/', import.meta.url))
const root = new protobuf.Root()
// The protos import each other by path from the repository root, as protoc's include path would.
root.resolvePath = (_origin, target) => `${protoRoot}${target}`
root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto')
const ExportTraceServiceRequest = root.lookupType(
  'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
)
const ExportTraceServiceResponse = root.lookupType(
  'opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse',
)

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

function readValue(value: AnyValue | undefined): string | number | boolean {
  if (value?.stringValue !== undefined) return value.stringValue
  if (value?.boolValue !== undefined) return value.boolValue
  if (value?.intValue !== undefined)
    return typeof value.intValue === 'number' ? value.intValue : value.intValue.toNumber()
  return ''
}

const readAttributes = (attributes: KeyValue[]) =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, readValue(value)]))

/** Decodes one OTLP/HTTP protobuf export request into spans. */
export function decodeExportRequest(body: Uint8Array): ReceivedSpan[] {
  const request = ExportTraceServiceRequest.decode(body) as unknown as ExportRequest
  return request.resourceSpans.flatMap((resourceSpans) => {
    const service = String(readAttributes(resourceSpans.resource?.attributes ?? [])['service.name'] ?? '')
    return resourceSpans.scopeSpans.flatMap((scopeSpans) =>
      scopeSpans.spans.map((span) => ({
        service,
        scope: scopeSpans.scope?.name ?? '',
        traceId: hex(span.traceId),
        spanId: hex(span.spanId),
        parentSpanId: hex(span.parentSpanId),
        name: span.name,
        kind: span.kind as SpanKind,
        attributes: readAttributes(span.attributes),
      })),
    )
  })
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const body = Buffer.concat(chunks)
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body
}

export type OtlpReceiver = {
  /** The base URL for OTEL_EXPORTER_OTLP_ENDPOINT (the exporters append /v1/traces). */
  url: string
  spans: ReceivedSpan[]
  /** Requests refused (wrong path or encoding, undecodable body). */
  refused: number
  close(): Promise<void>
}

export type OtlpReceiverOptions = {
  /** Accept each export and never answer it: a collector that hangs, or whose replies are lost. */
  silent?: boolean
}

export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const receiver: Omit<OtlpReceiver, 'url' | 'close'> = { spans: [], refused: 0 }
  const server = createServer(async (request, response) => {
    if (options.silent) return
    const body = await readBody(request)
    const type = request.headers['content-type']
    if (request.method !== 'POST' || request.url !== '/v1/traces' || type !== 'application/x-protobuf') {
      receiver.refused++
      return response.writeHead(415).end()
    }
    try {
      receiver.spans.push(...decodeExportRequest(body))
    } catch {
      receiver.refused++
      return response.writeHead(400).end()
    }
    const answer = ExportTraceServiceResponse.encode(ExportTraceServiceResponse.create({})).finish()
    response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(answer)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  })
}
