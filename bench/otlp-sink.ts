import { createServer } from 'node:http'

/**
 * A stand-in OTLP/HTTP collector for stack.ts, in a process of its own: accepts every POST on loopback,
 * answers 200 with an empty protobuf body, and counts what it received, and in how many requests each
 * instrumentation scope of a service appears (protobuf keeps strings as they are, so no decoding is needed).
 * Prints its URL as one JSON line, and its counts as one JSON line on SIGTERM.
 */
const SCOPES = ['@shipshape/telemetry', '@opentelemetry/instrumentation-pg']
let requests = 0
let bytes = 0
const scopes: Record<string, number> = Object.fromEntries(SCOPES.map((scope) => [scope, 0]))
const server = createServer((request, response) => {
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => {
    bytes += chunk.length
    chunks.push(chunk)
  })
  request.on('end', () => {
    requests++
    const body = Buffer.concat(chunks)
    for (const scope of SCOPES) if (body.includes(scope)) scopes[scope] = (scopes[scope] ?? 0) + 1
    response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end()
  })
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`)
})
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ requests, bytes, scopes })}\n`)
  process.exit(0)
})
