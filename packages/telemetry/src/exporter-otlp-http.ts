/** The OTLP/HTTP JSON exporter (`http/json`); bundled into one file by the build (build-dist.ts). */
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer'
import { ownModuleUrl } from './require-own.ts'
import { WorkerSpanExporter } from './worker-span-exporter.ts'

export class OTLPTraceExporter extends WorkerSpanExporter {
  constructor() {
    super({
      serializer: JsonTraceSerializer,
      contentType: 'application/json',
      workerUrl: ownModuleUrl('export-worker'),
    })
  }
}
