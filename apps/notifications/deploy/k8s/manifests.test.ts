import { describeKubernetesBase } from '@shipshape/testing/k8s'
import { envSchema } from '../../src/config.ts'

// The kustomize base against the Kubernetes 1.36 API, its ConfigMap and Secret references against what
// @shipshape/config derives from the schema, and the pods' hardening, probes, grace period and network
// policy. A variable you add to the schema shows up here first.
describeKubernetesBase({ base: new URL('./base/', import.meta.url), envSchema })
