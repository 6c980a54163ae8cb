import { connect } from 'node:net'

/** Headers this sender writes itself; a caller's copy would duplicate them. */
const FRAMING_HEADERS = new Set(['host', 'content-type', 'content-length', 'connection', 'idempotency-key'])

export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
}

/** POSTs a JSON body over HTTP, with an Idempotency-Key unless `key` is undefined. */
export async function postJson(
  url: string,
  headers: Record<string, string>,
  key: string | undefined,
  body: unknown,
): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
    body: JSON.stringify(body),
  })
  return { status: response.status, headers: response.headers, text: await response.text() }
}

/**
 * POSTs with an Idempotency-Key of raw bytes (control characters, UTF-8), which fetch refuses to send. The
 * answer may come from Node's HTTP parser itself (a bare 400), so only the status and body are read.
 */
export function postRawKey(
  url: string,
  headers: Record<string, string>,
  key: Buffer,
  body: unknown,
): Promise<{ status: number; body: string }> {
  const { hostname, port, host, pathname, search } = new URL(url)
  const payload = JSON.stringify(body)
  const lines = [
    `POST ${pathname}${search} HTTP/1.1`,
    `Host: ${host}`,
    ...Object.entries(headers)
      .filter(([name]) => !FRAMING_HEADERS.has(name.toLowerCase()))
      .map(([name, value]) => `${name}: ${value}`),
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(payload)}`,
    'Connection: close',
  ]
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) })
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) })
    })
    // write, not end: a half-closed socket lets Node drop a request whose handler is still awaiting
    // (a session lookup, say); `Connection: close` makes the server close once it has answered.
    socket.write(
      Buffer.concat([
        Buffer.from(`${lines.join('\r\n')}\r\nIdempotency-Key: `),
        key,
        Buffer.from(`\r\n\r\n${payload}`),
      ]),
    )
  })
}
