/** The OTLP/HTTP JSON exporter (`http/json`); bundled into one file by the build (build-dist.ts). */
export { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
