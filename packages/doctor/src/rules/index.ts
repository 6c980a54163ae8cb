import type { Rule } from './_rule.ts'
import { corsAnyOrigin } from './cors.ts'
import { emailNotUnique, fkWithoutIndex, noMigrations } from './data.ts'
import {
  dockerCopyBeforeInstall,
  dockerImageUnpinned,
  dockerNoHealthcheck,
  dockerRunsAsRoot,
  dockerUnfrozenInstall,
  noLockfile,
} from './docker.ts'
import { envUndocumented, envUnused } from './env.ts'
import { errorStackExposed } from './errors.ts'
import { jwtNoExpiry, jwtSecretLiteral } from './jwt.ts'
import {
  k8sCapabilities,
  k8sLivenessProbe,
  k8sPreStop,
  k8sReadinessProbe,
  k8sReadOnlyRoot,
  k8sResources,
  k8sRunAsNonRoot,
  k8sSeccomp,
  k8sStartupProbe,
  k8sTerminationGrace,
} from './k8s.ts'
import { noGracefulShutdown, noReadinessRoute, testsHappyPathOnly } from './ops.ts'
import { outboundNoTimeout } from './outbound.ts'
import { passwordWeakHash } from './passwords.ts'
import {
  authRouteNoRateLimit,
  createWithoutIdempotency,
  openapiUndocumentedRoute,
  tokenInBody,
  webhookUnverified,
} from './routes.ts'
import { dependencyEngines, runtimeMismatch } from './runtime.ts'
import { envFileCommitted, privateKeyCommitted } from './secrets.ts'
import { sqlStringBuilt } from './sql.ts'

/** Every rule, in the order the README's table lists them. */
export const allRules: readonly Rule[] = [
  sqlStringBuilt,
  passwordWeakHash,
  jwtSecretLiteral,
  jwtNoExpiry,
  authRouteNoRateLimit,
  tokenInBody,
  corsAnyOrigin,
  webhookUnverified,
  errorStackExposed,
  fkWithoutIndex,
  emailNotUnique,
  createWithoutIdempotency,
  openapiUndocumentedRoute,
  outboundNoTimeout,
  dockerImageUnpinned,
  dockerRunsAsRoot,
  dockerNoHealthcheck,
  dockerCopyBeforeInstall,
  dockerUnfrozenInstall,
  noLockfile,
  envUndocumented,
  envUnused,
  envFileCommitted,
  privateKeyCommitted,
  runtimeMismatch,
  dependencyEngines,
  noMigrations,
  noGracefulShutdown,
  noReadinessRoute,
  testsHappyPathOnly,
  k8sLivenessProbe,
  k8sReadinessProbe,
  k8sStartupProbe,
  k8sResources,
  k8sRunAsNonRoot,
  k8sReadOnlyRoot,
  k8sCapabilities,
  k8sSeccomp,
  k8sTerminationGrace,
  k8sPreStop,
]
