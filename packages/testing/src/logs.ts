import { Writable } from 'node:stream'

export interface LogLine {
  level: string | number
  msg?: string
  [key: string]: unknown
}

export type LogCapture = {
  /** Hand this to the logger: `logger: { stream }`. */
  stream: Writable
  /** Every line as written (pino's JSON text), for checks such as "no secret anywhere in the logs". */
  raw: string[]
  /** The same lines, parsed. */
  lines: LogLine[]
}

/** Collects what a logger writes, line by line, so a test can read its app's logs. */
export function captureLogs(): LogCapture {
  const raw: string[] = []
  const lines: LogLine[] = []
  let pending = ''
  const stream = new Writable({
    write(chunk, _encoding, done) {
      pending += String(chunk)
      const parts = pending.split('\n')
      pending = parts.pop() ?? ''
      for (const part of parts) {
        if (part === '') continue
        raw.push(part)
        lines.push(JSON.parse(part) as LogLine)
      }
      done()
    },
  })
  return { stream, raw, lines }
}
