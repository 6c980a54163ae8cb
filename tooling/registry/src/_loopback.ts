export { getFreePort } from '@shipshape/testing'

import { RegistryError } from './errors.ts'

export const loopbackHost = '127.0.0.1'

/** Refuses any registry URL that is not plain HTTP on 127.0.0.1: publishing must never reach a real registry. */
export function assertLoopback(url: string): void {
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  if (parsed?.protocol !== 'http:' || parsed.hostname !== loopbackHost) {
    throw new RegistryError(
      'SHIPSHAPE_REGISTRY_NOT_LOOPBACK',
      `Refusing to publish to ${JSON.stringify(url)}: only http://${loopbackHost}:<port>/ is allowed`,
    )
  }
}
