import type { Project } from '../_project.ts'
import type { Problem, RuleMeta } from '../types.ts'
import { listDeployments } from './_k8s.ts'
import { defineRule, type Rule } from './_rule.ts'
import { readEnvExample } from './env.ts'

// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped YAML.
type Json = any

/** A k8s rule checks each container of each Deployment and says what is missing, or nothing. */
function defineContainerRule(
  meta: RuleMeta,
  missing: (container: Json, pod: Json, project: Project) => string | undefined,
): Rule {
  return defineRule({
    ...meta,
    check(project) {
      const problems: Problem[] = []
      for (const deployment of listDeployments(project)) {
        for (const container of deployment.containers) {
          const message = missing(container.value, deployment.pod, project)
          if (message)
            problems.push({
              file: deployment.file,
              line: container.line,
              message: `${deployment.name}/${container.name}: ${message}`,
            })
        }
      }
      return problems
    },
  })
}

const httpPath = (probe: Json): string | undefined => probe?.httpGet?.path

export const k8sLivenessProbe = defineContainerRule(
  {
    id: 'k8s-liveness-probe',
    severity: 'error',
    title: 'Deployment without a proper liveness probe',
    why: 'Without liveness a hung process keeps its place forever; a liveness probe that checks dependencies restarts every pod when the database blinks.',
    fix: 'Add `livenessProbe: { httpGet: { path: /healthz, port: http } }`, a route that checks no dependency.',
  },
  (container, _pod, project) => {
    const path = httpPath(container.livenessProbe)
    if (!container.livenessProbe) return 'no livenessProbe.'
    if (path !== undefined && /ready/.test(path)) return `livenessProbe probes ${path}, a readiness route.`
    if (project.isShipshape && path !== '/healthz')
      return `livenessProbe probes ${path ?? 'no HTTP path'}, not /healthz.`
    return undefined
  },
)

export const k8sReadinessProbe = defineContainerRule(
  {
    id: 'k8s-readiness-probe',
    severity: 'error',
    title: 'Deployment without a proper readiness probe',
    why: 'Without readiness, pods get traffic before they can serve and keep it while draining at shutdown.',
    fix: 'Add `readinessProbe: { httpGet: { path: /readyz, port: http } }`, a route that checks what serving needs.',
  },
  (container, _pod, project) => {
    const path = httpPath(container.readinessProbe)
    if (!container.readinessProbe) return 'no readinessProbe.'
    if (path !== undefined && path === httpPath(container.livenessProbe))
      return `readinessProbe probes the liveness route ${path}.`
    if (project.isShipshape && path !== '/readyz')
      return `readinessProbe probes ${path ?? 'no HTTP path'}, not /readyz.`
    return undefined
  },
)

export const k8sStartupProbe = defineContainerRule(
  {
    id: 'k8s-startup-probe',
    severity: 'warning',
    title: 'Deployment without a startup probe',
    why: 'Without a startup probe a slow start is killed by the liveness probe, or liveness must be made so lax it misses hangs.',
    fix: 'Add a `startupProbe` on the liveness route with a `failureThreshold × periodSeconds` that covers the slowest start.',
  },
  (container) => (container.startupProbe ? undefined : 'no startupProbe.'),
)

export const k8sResources = defineContainerRule(
  {
    id: 'k8s-resources',
    severity: 'warning',
    title: 'Container without resource requests and a memory limit',
    why: 'Without requests the scheduler packs pods blindly; without a memory limit one leak takes the node down with its neighbours.',
    fix: 'Set `resources.requests.cpu`, `resources.requests.memory` and `resources.limits.memory`.',
  },
  (container) => {
    const { requests, limits } = container.resources ?? {}
    const missing = [
      !requests?.cpu && 'requests.cpu',
      !requests?.memory && 'requests.memory',
      !limits?.memory && 'limits.memory',
    ].filter(Boolean)
    return missing.length > 0 ? `no resources.${missing.join(', ')}.` : undefined
  },
)

const securityMeta = (id: string, title: string, why: string, fix: string): RuleMeta => ({
  id,
  severity: 'error',
  title,
  why,
  fix,
})

export const k8sRunAsNonRoot = defineContainerRule(
  securityMeta(
    'k8s-run-as-non-root',
    'Pod may run as root',
    'Kubernetes starts the image as root unless told not to, whatever the Dockerfile intended.',
    'Set `securityContext.runAsNonRoot: true` (pod or container) with a numeric `runAsUser`.',
  ),
  (container, pod) =>
    (container.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) === true
      ? undefined
      : 'runAsNonRoot is not true.',
)

export const k8sReadOnlyRoot = defineContainerRule(
  securityMeta(
    'k8s-read-only-root',
    'Writable root filesystem',
    'A writable root filesystem lets an attacker drop tools and persist changes in the container.',
    'Set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` at /tmp if the process writes there.',
  ),
  (container) =>
    container.securityContext?.readOnlyRootFilesystem === true
      ? undefined
      : 'readOnlyRootFilesystem is not true.',
)

export const k8sCapabilities = defineContainerRule(
  securityMeta(
    'k8s-capabilities',
    'Linux capabilities kept',
    'Default capabilities (NET_RAW, CHOWN…) are powers a web service never needs and an attacker can use.',
    'Set `securityContext.capabilities.drop: [ALL]` and `allowPrivilegeEscalation: false`.',
  ),
  (container) =>
    (container.securityContext?.capabilities?.drop ?? []).includes('ALL')
      ? undefined
      : 'capabilities are not dropped (drop: [ALL]).',
)

export const k8sSeccomp = defineContainerRule(
  securityMeta(
    'k8s-seccomp',
    'No seccomp profile',
    'Without seccomp the container may make any system call, which widens every kernel exploit.',
    'Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod.',
  ),
  (container, pod) =>
    (container.securityContext?.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type) ===
    'RuntimeDefault'
      ? undefined
      : 'seccompProfile is not RuntimeDefault.',
)

const defaultGraceSeconds = 30

/** The in-process drain budget: `.env.example`'s SHUTDOWN_GRACE_MS, the container's env, or shipshape's default. */
function shutdownGraceMs(container: Json, project: Project): number | undefined {
  const fromContainer = (container.env ?? []).find(
    (entry: Json) => entry?.name === 'SHUTDOWN_GRACE_MS',
  )?.value
  const fromExample = readEnvExample(project)?.get('SHUTDOWN_GRACE_MS')?.value
  const value = Number(fromContainer ?? fromExample ?? (project.isShipshape ? 10_000 : Number.NaN))
  return Number.isFinite(value) ? value : undefined
}

/** Seconds a preStop hook pauses: `sleep: { seconds }` or `exec: [sh, -c, 'sleep 5']`. */
function preStopSeconds(container: Json): number | undefined {
  const preStop = container.lifecycle?.preStop
  if (!preStop) return undefined
  if (typeof preStop.sleep?.seconds === 'number') return preStop.sleep.seconds
  const words = ((preStop.exec?.command ?? []) as string[]).flatMap((part) => String(part).split(/\s+/))
  const index = words.indexOf('sleep')
  const seconds = Number(words[index + 1])
  return index >= 0 && Number.isFinite(seconds) ? seconds : 0
}

export const k8sPreStop = defineContainerRule(
  {
    id: 'k8s-prestop',
    severity: 'warning',
    title: 'No pre-stop pause',
    why: 'Endpoints are removed while SIGTERM is already on its way, so without a short pause requests still arrive at a pod that stopped accepting.',
    fix: 'Add `lifecycle.preStop.sleep.seconds: 5` (or `exec: [sleep, "5"]`) so the pod leaves the Service before it drains.',
  },
  (container) => (preStopSeconds(container) ? undefined : 'no lifecycle.preStop pause.'),
)

export const k8sTerminationGrace = defineContainerRule(
  {
    id: 'k8s-termination-grace',
    severity: 'error',
    title: 'Termination grace shorter than the drain',
    why: 'Kubernetes kills the pod at terminationGracePeriodSeconds, cutting off requests the service was still allowed to finish.',
    fix: 'Set `terminationGracePeriodSeconds` above SHUTDOWN_GRACE_MS plus the preStop pause (e.g. 10 s + 5 s → 20).',
  },
  (container, pod, project) => {
    const graceMs = shutdownGraceMs(container, project)
    if (graceMs === undefined) return undefined
    const period = Number(pod.terminationGracePeriodSeconds ?? defaultGraceSeconds)
    const needed = graceMs / 1000 + (preStopSeconds(container) ?? 0)
    return period > needed
      ? undefined
      : `terminationGracePeriodSeconds ${period} is not above SHUTDOWN_GRACE_MS ${graceMs / 1000} s + preStop ${preStopSeconds(container) ?? 0} s.`
  },
)
