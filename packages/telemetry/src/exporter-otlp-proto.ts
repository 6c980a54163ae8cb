/** The OTLP/HTTP protobuf exporter (the default protocol); bundled into one file by the build (build-dist.ts). */
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer'
import { ownModuleUrl } from './require-own.ts'
import { WorkerSpanExporter } from './worker-span-exporter.ts'

export class OTLPTraceExporter extends WorkerSpanExporter {
  constructor() {
    super({
      serializer: ProtobufTraceSerializer,
      contentType: 'application/x-protobuf',
      workerUrl: ownModuleUrl('export-worker'),
    })
  }
}
