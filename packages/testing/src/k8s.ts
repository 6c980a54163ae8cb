import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import { type EnvFields, type EnvSchema, getSecretVariables, renderConfigEnv } from '@shipshape/config'
import { Deployment } from 'kubernetes-models/apps/v1'
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2'
import { Job } from 'kubernetes-models/batch/v1'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1'
import { Service } from 'kubernetes-models/v1'
import { describe, expect, it } from 'vitest'
import { type Document, parse, parseAllDocuments } from 'yaml'

// What this checks, without a cluster or the kustomize binary: every manifest in the base against the
// Kubernetes 1.36 API schemas that kubernetes-models ships (types, required fields, enums; unknown fields
// are not rejected, as the API's own OpenAPI does not close its objects), the kustomization's references,
// and the production properties below. `kubectl apply -k --dry-run=server` against a cluster checks the rest.
// Parsed YAML is untyped until validated; each model's constructor takes it as its own input type.
type Parsed = ReturnType<Document['toJS']>
const validators: Record<string, (object: Parsed) => void> = {
  'apps/v1 Deployment': (object) => new Deployment(object).validate(),
  'batch/v1 Job': (object) => new Job(object).validate(),
  'v1 Service': (object) => new Service(object).validate(),
  'policy/v1 PodDisruptionBudget': (object) => new PodDisruptionBudget(object).validate(),
  'autoscaling/v2 HorizontalPodAutoscaler': (object) => new HorizontalPodAutoscaler(object).validate(),
  'networking.k8s.io/v1 NetworkPolicy': (object) => new NetworkPolicy(object).validate(),
}

export interface KubernetesBaseOptions<F extends EnvFields> {
  /** The kustomize base folder (`new URL('./base/', import.meta.url)`). */
  base: URL
  /** The service's environment schema: the ConfigMap env file and the Secret references derive from it. */
  envSchema: EnvSchema<F>
  /** The service folder, for its Dockerfile's `USER` (default: `base`'s `../../../`). */
  serviceDir?: URL
  /**
   * The values a cluster runs with in place of the schema's defaults; the image's ENV says the same
   * (default `APP_ENV=production`, `HOST=0.0.0.0`).
   */
  deployedValues?: Readonly<Record<string, string>>
}

/**
 * Registers the tests of a service's kustomize base: what it lists, each manifest against the Kubernetes
 * 1.36 API, the ConfigMap and Secret references against `@shipshape/config`'s derivation from the schema,
 * the pods' hardening, probes, grace period, selectors and network policy.
 */
export function describeKubernetesBase<F extends EnvFields>(options: KubernetesBaseOptions<F>): void {
  const { base, envSchema } = options
  const serviceDir = options.serviceDir ?? new URL('../../../', base)
  const deployedValues = options.deployedValues ?? { APP_ENV: 'production', HOST: '0.0.0.0' }
  const read = (file: string) => readFileSync(new URL(file, base), 'utf8')
  const kustomization = parse(read('kustomization.yaml'))
  const resources: string[] = kustomization.resources
  const manifests = resources.flatMap((file) =>
    parseAllDocuments(read(file)).map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`)
      return { file, object: document.toJS() }
    }),
  )
  const configEnv = read('config.env')

  function getObject(kind: string) {
    const found = manifests.find((manifest) => manifest.object.kind === kind)
    if (!found) throw new Error(`no ${kind} in the base`)
    return found.object
  }

  const deployment = getObject('Deployment')
  const job = getObject('Job')
  const workloads = [
    ['Deployment', deployment.spec.template.spec],
    ['Job', job.spec.template.spec],
  ] as const
  const container = deployment.spec.template.spec.containers[0]
  const containerPort = container.ports.find((port: { name: string }) => port.name === 'http').containerPort

  describe('the kustomize base', () => {
    it('lists every manifest of the folder, the ConfigMap env file and the image to pin', () => {
      expect(kustomization).toMatchObject({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
      })
      const yamlFiles = readdirSync(base).filter(
        (file) => file.endsWith('.yaml') && file !== 'kustomization.yaml',
      )
      expect([...resources].sort()).toEqual(yamlFiles.sort())
      expect(kustomization.configMapGenerator).toEqual([
        { name: `${deployment.metadata.name}-config`, envs: ['config.env'] },
      ])
      const imageNames = kustomization.images.map((image: { name: string }) => image.name)
      for (const [, pod] of workloads) expect(imageNames).toContain(pod.containers[0].image)
    })

    it.each(manifests.map((manifest) => [`${manifest.file} (${manifest.object.kind})`, manifest.object]))(
      '%s is valid against the Kubernetes 1.36 API',
      (_, object) => {
        const validate = validators[`${object.apiVersion} ${object.kind}`]
        expect(validate, `${object.apiVersion} ${object.kind} is not an API this base may use`).toBeDefined()
        expect(() => validate?.(object)).not.toThrow()
      },
    )

    it('config.env is what the schema renders for the cluster (non-secret variables only)', () => {
      expect(configEnv).toBe(renderConfigEnv(envSchema, { values: deployedValues }))
    })

    it.each(workloads)(
      'the %s takes every sensitive variable from the Secret, optional as the schema says',
      (_, pod) => {
        const [main] = pod.containers
        expect(main.envFrom).toEqual([{ configMapRef: { name: kustomization.configMapGenerator[0].name } }])
        const fromSecret = main.env.map(
          (variable: { name: string; valueFrom: { secretKeyRef: { key: string; optional?: boolean } } }) => ({
            name: variable.name,
            key: variable.valueFrom.secretKeyRef.key,
            optional: variable.valueFrom.secretKeyRef.optional ?? false,
          }),
        )
        const expected = getSecretVariables(envSchema).map((variable) => ({
          ...variable,
          key: variable.name,
        }))
        expect(fromSecret).toEqual(expected)
      },
    )

    it.each(workloads)(
      'the %s runs as the image user, non-root, read-only, without capabilities',
      (_, pod) => {
        const dockerfile = new URL('Dockerfile', serviceDir)
        const imageUser = existsSync(dockerfile)
          ? readFileSync(dockerfile, 'utf8').match(/^USER (\d+)/mu)?.[1]
          : '1000'
        expect(pod.securityContext).toMatchObject({
          runAsNonRoot: true,
          runAsUser: Number(imageUser),
          seccompProfile: { type: 'RuntimeDefault' },
        })
        expect(pod.automountServiceAccountToken).toBe(false)
        const [main] = pod.containers
        expect(main.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        })
        expect(main.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) })
        expect(main.resources.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) })
        const tmp = main.volumeMounts.find((mount: { mountPath: string }) => mount.mountPath === '/tmp')
        expect(pod.volumes).toContainEqual({ name: tmp.name, emptyDir: expect.any(Object) })
      },
    )

    it('probes liveness on /healthz, readiness on /readyz, with a startup probe, on the served port', () => {
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' })
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' })
      expect(container.startupProbe.httpGet.path).toBe('/healthz')
      expect(String(containerPort)).toBe(parseEnv(configEnv).PORT)
    })

    it('gives a stopping pod longer than the preStop pause plus SHUTDOWN_GRACE_MS', () => {
      const pauseMs = container.lifecycle.preStop.sleep.seconds * 1000
      const graceMs = Number(parseEnv(configEnv).SHUTDOWN_GRACE_MS)
      expect(pauseMs).toBeGreaterThan(0)
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
        pauseMs + graceMs,
      )
    })

    it('the migration Job runs the migrate command of the image, once, without restarts', () => {
      expect(job.spec.template.spec.containers[0].command).toEqual(['node', 'dist/migrate.js'])
      expect(job.spec.template.spec.restartPolicy).toBe('Never')
    })

    it('Service, PodDisruptionBudget, HorizontalPodAutoscaler and NetworkPolicy point at the API pods', () => {
      const labels = deployment.spec.template.metadata.labels
      const service = getObject('Service')
      expect(labels).toMatchObject(service.spec.selector)
      expect(service.spec.ports[0].targetPort).toBe('http')
      expect(labels).toMatchObject(getObject('PodDisruptionBudget').spec.selector.matchLabels)
      expect(getObject('HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: deployment.metadata.name,
      })
      const policy = getObject('NetworkPolicy')
      expect(labels).toMatchObject(policy.spec.podSelector.matchLabels)
      expect(policy.spec.ingress).toEqual([{ ports: [{ port: containerPort, protocol: 'TCP' }] }])
      const egressPorts = policy.spec.egress.flatMap((rule: { ports: { port: number }[] }) =>
        rule.ports.map((port) => port.port),
      )
      expect(egressPorts).toEqual(expect.arrayContaining([53, 5432, 4318]))
    })
  })
}
