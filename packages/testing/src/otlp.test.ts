import { expect, it } from 'vitest'
import { startOtlpReceiver } from './otlp.ts'

it('silent: takes an export in and never answers it; close() ends the connection it holds', async () => {
  const receiver = await startOtlpReceiver({ silent: true })
  const sent = fetch(`${receiver.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: new Uint8Array(8),
    signal: AbortSignal.timeout(300),
  })
  await expect(sent).rejects.toThrow(/timeout|aborted/i)
  await receiver.close()
  expect(receiver).toMatchObject({ spans: [], refused: 0 })
})

it('answers a body that is not an export with 400 and counts it refused', async () => {
  const receiver = await startOtlpReceiver()
  const response = await fetch(`${receiver.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: new Uint8Array([0xff, 0xff, 0xff]),
  })
  await receiver.close()
  expect(response.status).toBe(400)
  expect(receiver.refused).toBe(1)
})
