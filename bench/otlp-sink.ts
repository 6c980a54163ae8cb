import { createServer } from 'node:http'

/**
 * A stand-in OTLP/HTTP collector for stack.ts, in a process of its own: accepts every POST on loopback,
 * answers 200 with an empty protobuf body, and counts what it received. Prints its URL as one JSON line,
 * and its counts as one JSON line on SIGTERM.
 */
let requests = 0
let bytes = 0
const server = createServer((request, response) => {
  request.on('data', (chunk: Buffer) => {
    bytes += chunk.length
  })
  request.on('end', () => {
    requests++
    response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end()
  })
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`)
})
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ requests, bytes })}\n`)
  process.exit(0)
})
