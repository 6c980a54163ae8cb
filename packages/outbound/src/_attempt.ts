import { OptionsError } from '@shipshape/errors'

/** What one HTTP attempt needs. */
export interface AttemptRequest {
  readonly url: URL
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
  readonly timeoutMs: number
}

export interface OutboundResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** Parsed JSON when the response says it is JSON, otherwise the text. */
  readonly body: unknown
}

/** An attempt that produced no response; the retry and breaker policies handle only this error type. */
export class AttemptError extends Error {
  readonly kind: 'timeout' | 'network'

  constructor(kind: 'timeout' | 'network', options?: ErrorOptions) {
    super(`Outbound attempt failed: ${kind}`, options)
    this.name = 'AttemptError'
    this.kind = kind
  }
}

/**
 * One fetch with its own deadline. The deadline covers the body too: a server that sends headers and then
 * stalls is a timeout, not a hang. Aborting the signal closes the socket, so the server sees the attempt end.
 */
export async function performAttempt(request: AttemptRequest): Promise<OutboundResponse> {
  const signal = AbortSignal.timeout(request.timeoutMs)
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal,
      redirect: 'manual',
    })
    const text = await response.text()
    const headers = Object.fromEntries(response.headers)
    return { status: response.status, headers, body: parseBody(text, headers['content-type']) }
  } catch (error) {
    throw new AttemptError(signal.aborted ? 'timeout' : 'network', { cause: error })
  }
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '' || contentType === undefined || !/[/+]json\b/.test(contentType)) return text
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Joins the client's base URL and a request path, refusing a path that would reach another origin. */
export function resolveUrl(baseUrl: URL, path: string): URL {
  if (!path.startsWith('/')) {
    throw new OptionsError('SHIPSHAPE_OUTBOUND_PATH_INVALID', 'A request path must start with "/"')
  }
  const url = new URL(baseUrl.pathname.replace(/\/$/, '') + path, baseUrl.origin)
  if (url.origin !== baseUrl.origin) {
    throw new OptionsError('SHIPSHAPE_OUTBOUND_PATH_INVALID', 'A request path must stay on the base URL')
  }
  return url
}
