import type { Project } from '../_project.ts'
import type { Problem } from '../types.ts'
import { commandsOf, dependencyStep, lineOf, listDockerfiles } from './_dockerfiles.ts'
import { listDeployments } from './_k8s.ts'
import { defineRule } from './_rule.ts'

export const dockerImageUnpinned = defineRule({
  id: 'docker-image-unpinned',
  severity: 'error',
  title: 'Base image on a moving tag',
  why: 'A tag such as `latest` (or any tag without a digest) changes under you, so the same commit builds a different image tomorrow.',
  fix: 'Pin the base image by version and digest: `FROM node:24.21.0-bookworm-slim@sha256:…`, and let Renovate update the digest.',
  check(project) {
    const problems: Problem[] = []
    for (const { path, dockerfile } of listDockerfiles(project)) {
      const stages = new Set<string>()
      for (const from of dockerfile.getFROMs()) {
        const image = from.getImageName() ?? ''
        const stage = from.getBuildStage()
        if (stages.has(image) || image === 'scratch') {
          if (stage) stages.add(stage)
          continue
        }
        if (stage) stages.add(stage)
        const tag = from.getImageTag()
        const where = { file: path, line: lineOf(from) }
        if (!from.getImageDigest()) {
          const moving =
            !tag || tag === 'latest'
              ? `"${image}${tag ? `:${tag}` : ''}" (latest)`
              : `"${image}:${tag}" without a digest`
          problems.push({ ...where, message: `FROM ${moving}.` })
        }
      }
    }
    return problems
  },
})

export const dockerRunsAsRoot = defineRule({
  id: 'docker-runs-as-root',
  severity: 'error',
  title: 'Container runs as root',
  why: 'A process running as root turns any code-execution bug into control of the container and a step toward the host.',
  fix: 'Add `USER node` (or another unprivileged user) to the final stage, after the files are copied in.',
  check(project) {
    return listDockerfiles(project).flatMap(({ path, stages }) => {
      const last = stages.at(-1)
      const from = last?.[0]
      if (!last || !from) return []
      const user = last.filter((instruction) => instruction.getKeyword() === 'USER').at(-1)
      const name = user?.getArgumentsContent()?.split(':')[0]?.trim()
      if (user && name !== 'root' && name !== '0') return []
      return [
        {
          file: path,
          line: lineOf(user ?? from),
          message: user
            ? 'The final stage switches back to root.'
            : 'The final stage has no USER: the process runs as root.',
        },
      ]
    })
  },
})

/** Kubernetes ignores HEALTHCHECK: a Deployment with liveness and readiness probes does the same job. */
function hasKubernetesProbes(project: Project): boolean {
  const deployments = listDeployments(project)
  return (
    deployments.length > 0 &&
    deployments.every((deployment) =>
      deployment.containers.every(
        (container) => container.value.livenessProbe && container.value.readinessProbe,
      ),
    )
  )
}

export const dockerNoHealthcheck = defineRule({
  id: 'docker-no-healthcheck',
  severity: 'warning',
  title: 'Image without a health check',
  why: 'Without a health check, Docker and Compose keep sending traffic to a container that is up but no longer answers.',
  fix: 'Add `HEALTHCHECK CMD …` probing the liveness route, or ship Kubernetes manifests with liveness and readiness probes (Kubernetes ignores HEALTHCHECK).',
  check(project) {
    if (hasKubernetesProbes(project)) return []
    return listDockerfiles(project).flatMap(({ path, stages }) => {
      const last = stages.at(-1)
      const from = last?.[0]
      if (!last || !from) return []
      const check = last.find((instruction) => instruction.getKeyword() === 'HEALTHCHECK')
      if (check && check.getArgumentsContent()?.trim().toUpperCase() !== 'NONE') return []
      return [{ file: path, line: lineOf(check ?? from), message: 'The final stage has no HEALTHCHECK.' }]
    })
  },
})

const isCopyEverything = (sources: string[]) => sources.some((source) => source === '.' || source === './')

export const dockerCopyBeforeInstall = defineRule({
  id: 'docker-copy-before-install',
  severity: 'warning',
  title: 'Sources copied before the dependency install',
  why: 'Copying the whole tree before installing invalidates the dependency layer on every source change, so every build reinstalls everything.',
  fix: 'Copy the manifests and lockfile first and install (or `pnpm fetch` from the lockfile), then `COPY . .`.',
  check(project) {
    const problems: Problem[] = []
    for (const { path, stages } of listDockerfiles(project)) {
      for (const stage of stages) {
        let dependenciesInstalled = false
        for (const instruction of stage) {
          const keyword = instruction.getKeyword()
          if (keyword === 'RUN' && commandsOf(instruction).some((words) => dependencyStep(words)))
            dependenciesInstalled = true
          if ((keyword === 'COPY' || keyword === 'ADD') && !dependenciesInstalled) {
            const words = instruction
              .getArguments()
              .map((argument) => argument.getValue())
              .filter((word) => !word.startsWith('--'))
            const fromStage = instruction
              .getArguments()
              .some((argument) => argument.getValue().startsWith('--from'))
            const later = stage
              .slice(stage.indexOf(instruction))
              .some(
                (next) =>
                  next.getKeyword() === 'RUN' && commandsOf(next).some((command) => dependencyStep(command)),
              )
            if (!fromStage && later && isCopyEverything(words.slice(0, -1))) {
              problems.push({
                file: path,
                line: lineOf(instruction),
                message: 'COPY . . comes before the dependency install.',
              })
            }
          }
        }
      }
    }
    return problems
  },
})

export const dockerUnfrozenInstall = defineRule({
  id: 'docker-unfrozen-install',
  severity: 'error',
  title: 'Install not frozen to the lockfile',
  why: 'An install that may update the lockfile builds whatever versions the registry serves that day, not the ones tested.',
  fix: 'Use `npm ci`, `pnpm install --frozen-lockfile` (or `pnpm fetch` + `--offline`), or `yarn install --immutable`.',
  check(project) {
    const problems: Problem[] = []
    for (const { path, dockerfile } of listDockerfiles(project)) {
      for (const instruction of dockerfile.getInstructions()) {
        if (instruction.getKeyword() !== 'RUN') continue
        for (const words of commandsOf(instruction)) {
          const step = dependencyStep(words)
          if (step && !step.frozen)
            problems.push({
              file: path,
              line: lineOf(instruction),
              message: `\`${step.tool}\` may change the lockfile during the build.`,
            })
        }
      }
    }
    return problems
  },
})

const lockfiles = ['pnpm-lock.yaml', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'bun.lock']

export const noLockfile = defineRule({
  id: 'no-lockfile',
  severity: 'error',
  title: 'No lockfile',
  why: 'Without a lockfile every install resolves versions anew, so production runs dependencies nobody tested.',
  fix: 'Commit the lockfile of your package manager (`pnpm-lock.yaml`, `package-lock.json` or `yarn.lock`).',
  check(project) {
    if (!project.packageJson) return []
    const found = lockfiles.some(
      (file) => project.exists(file) || project.readFromWorkspace(file) !== undefined,
    )
    return found
      ? []
      : [{ file: 'package.json', line: 1, message: 'Neither the service nor its workspace has a lockfile.' }]
  },
})
