import { describeBruteForce } from './brute-force.ts'
import { describeCookiesAndLogs } from './cookies-and-logs.ts'
import { describeCsrf } from './csrf.ts'
import { describeEnumeration } from './enumeration.ts'
import { describeHostileInput } from './hostile-input.ts'
import { describeJwt } from './jwt.ts'
import { describeOwnedResource } from './owned-resource.ts'
import { describeRefresh } from './refresh.ts'
import type { AuthContractOptions } from './types.ts'

/**
 * Registers the adversarial auth tests against a service's real app, routes and resource: brute force,
 * enumeration, refresh-token reuse and races, JWT forgeries, CSRF, cookie flags and secrets in logs, hostile
 * input, and BOLA. Each area builds its own instance through `options.setup` while vitest collects it.
 */
export function describeAuthContract(options: AuthContractOptions): void {
  describeBruteForce(options)
  describeEnumeration(options)
  describeRefresh(options)
  describeJwt(options)
  describeCsrf(options)
  describeCookiesAndLogs(options)
  describeHostileInput(options)
  describeOwnedResource(options)
}
