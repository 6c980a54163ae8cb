import { SpanKind } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import { describe, expect, it } from 'vitest'

// `@opentelemetry/core`'s attribute check is patched (patches/@opentelemetry__core@3.0.0.patch: no WeakSet
// for a primitive, no entries array); what a span keeps of its attributes must not change.
describe('span attributes, with the patched check', () => {
  it('keeps what OpenTelemetry accepts and drops, counted, what it does not', () => {
    const exporter = new InMemorySpanExporter()
    const tracer = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    }).getTracer('attributes')
    const cyclic: Record<string, unknown> = { name: 'loop' }
    cyclic.self = cyclic
    // What a span keeps: every valid AnyValue, nested and binary ones included.
    const valid = {
      text: 'é ☃',
      count: 3,
      ratio: 0.5,
      flag: false,
      nothing: null,
      list: [1, 'two', true],
      nested: { deeper: { value: 1 } },
      bytes: new Uint8Array([1, 2]),
    }
    const inherited = Object.create({ inheritedKey: 'not own' }) as Record<string, unknown>
    Object.assign(inherited, valid, { skipped: undefined, cyclic, call: () => 1, '': 'empty key' })

    const span = tracer.startSpan('attributes', { kind: SpanKind.INTERNAL, attributes: inherited as never })
    span.setAttribute('later', 'set')
    span.end()

    const [finished] = exporter.getFinishedSpans()
    expect(finished?.attributes).toEqual({ ...valid, later: 'set' })
    // The cyclic value, the function and the empty key; `undefined` is skipped without counting.
    expect(finished?.droppedAttributesCount).toBe(3)
  })
})
