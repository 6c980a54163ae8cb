import { connect } from 'node:net'

/** Sends a POST whose Idempotency-Key is raw bytes, which fetch and http.request refuse to send. */
export function sendRawPost(baseUrl: string, path: string, key: Buffer, body: string) {
  const { hostname, port } = new URL(baseUrl)
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) })
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1')
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) })
    })
    const head = [
      `POST ${path} HTTP/1.1`,
      `Host: ${hostname}`,
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
    ].join('\r\n')
    socket.end(
      Buffer.concat([Buffer.from(`${head}\r\nIdempotency-Key: `), key, Buffer.from(`\r\n\r\n${body}`)]),
    )
  })
}
