/** The OTLP/HTTP JSON exporter (`http/json`); bundled into one file by the build (build-sdk.ts). */
export { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
