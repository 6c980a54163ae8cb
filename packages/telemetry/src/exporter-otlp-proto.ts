/** The OTLP/HTTP protobuf exporter (the default protocol); bundled into one file by the build (build-dist.ts). */
export { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
