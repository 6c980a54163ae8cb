import { describe, expect, it } from 'vitest'
import { readOtelEnv } from './read-otel-env.ts'

describe('readOtelEnv', () => {
  it.each([
    [{}, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '   ' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }, false],
    [{ OTEL_TRACES_EXPORTER: 'console' }, true],
  ])('asks for an exporter only when one is configured: %j → %s', (env, exportRequested) => {
    expect(readOtelEnv(env).exportRequested).toBe(exportRequested)
  })

  it.each([
    ['true', true],
    [' TRUE ', true],
    ['false', false],
    ['1', false],
    [undefined, false],
  ])('is disabled only by OTEL_SDK_DISABLED=true, as the spec says: %j → %s', (value, disabled) => {
    expect(readOtelEnv({ OTEL_SDK_DISABLED: value }).disabled).toBe(disabled)
  })
})
