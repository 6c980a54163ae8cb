import { calleeOf, children, importsOf, mentions, numberValue, stringValue, unwrap, walk } from '../_ast.ts'
import type { Project } from '../_project.ts'
import { listRoutes } from '../_routes.ts'
import type { Location } from '../types.ts'
import { defineRule } from './_rule.ts'

/** Libraries that drain and close a server on SIGTERM. */
const shutdownLibraries =
  /^(?:@shipshape\/server|close-with-grace|@godaddy\/terminus|http-terminator|lightship|fastify-graceful-shutdown|stoppable)$/

/** Where the service starts listening: the place a finding about the process belongs. */
function findEntryPoint(project: Project): Location {
  for (const file of project.sourceFiles()) {
    let found: number | undefined
    walk(file.program, (node) => {
      if (
        found === undefined &&
        node.type === 'CallExpression' &&
        ['listen', 'startServer', 'serve'].includes(calleeOf(node).name ?? '')
      )
        found = node.start
    })
    if (found !== undefined) return project.locate(file.path, found)
  }
  return { file: 'package.json', line: 1 }
}

/** Whether the service is a server at all (a library or a CLI has no shutdown or readiness to check). */
function isServer(project: Project): boolean {
  return findEntryPoint(project).file !== 'package.json'
}

export const noGracefulShutdown = defineRule({
  id: 'no-graceful-shutdown',
  severity: 'error',
  title: 'No graceful shutdown',
  why: 'On SIGTERM (every deploy) the process dies mid-request, so clients get resets and half-done writes.',
  fix: "On SIGTERM stop accepting, finish in-flight requests, close the pool and exit (close-with-grace, or shipshape's startServer).",
  check(project) {
    if (!isServer(project)) return []
    let drains = false
    let exitsOnly: Location | undefined
    for (const file of project.sourceFiles()) {
      const imports = importsOf(file.program)
      if (
        [...imports.values()].some(
          ({ source, imported }) =>
            shutdownLibraries.test(source) && (source !== '@shipshape/server' || imported === 'startServer'),
        )
      )
        drains = true
      walk(file.program, (node) => {
        if (node.type !== 'CallExpression') return
        const { name, object } = calleeOf(node)
        const [signal, handler] = children(node, 'arguments')
        if (
          object !== 'process' ||
          (name !== 'on' && name !== 'once') ||
          !['SIGTERM', 'SIGINT'].includes(stringValue(signal) ?? '')
        )
          return
        if (mentions(handler, (word) => word === 'close' || word === 'end' || word === 'drain')) drains = true
        else exitsOnly ??= project.locate(file.path, node.start)
      })
    }
    if (drains) return []
    const at = exitsOnly ?? findEntryPoint(project)
    return [
      {
        ...at,
        message: exitsOnly
          ? 'The SIGTERM handler exits without closing the server.'
          : 'Nothing handles SIGTERM: in-flight requests die with the process.',
      },
    ]
  },
})

export const noReadinessRoute = defineRule({
  id: 'no-readiness-route',
  severity: 'warning',
  title: 'No readiness route',
  why: 'Without readiness the load balancer sends traffic to instances that cannot reach their database or are shutting down.',
  fix: 'Add `GET /readyz` that checks what serving needs (database reachable, migrations applied, not draining) and answers 503 otherwise.',
  check(project) {
    if (!isServer(project)) return []
    const shipshape = project
      .sourceFiles()
      .some((file) =>
        [...importsOf(file.program).entries()].some(
          ([, { source, imported }]) => source === '@shipshape/server' && imported === 'createServer',
        ),
      )
    if (shipshape || listRoutes(project).some((route) => /ready|readiness/i.test(route.path))) return []
    return [{ ...findEntryPoint(project), message: 'The service has no readiness route.' }]
  },
})

/** Whether a test asserts an error status: a literal 400–599 in an assertion call (`toBe(404)`, `.expect(409)`). */
function assertsErrorStatus(project: Project): boolean {
  return project.testFiles().some((file) => {
    let found = false
    walk(file.program, (node) => {
      if (found || node.type !== 'CallExpression') return
      found = children(node, 'arguments').some((arg) => {
        const value = numberValue(unwrap(arg))
        return value !== undefined && value >= 400 && value <= 599
      })
    })
    return found
  })
}

export const testsHappyPathOnly = defineRule({
  id: 'tests-happy-path-only',
  severity: 'warning',
  title: 'Tests only walk the happy path',
  why: 'Bad input, missing auth and conflicts are where production breaks, and tests that never send them cannot catch it.',
  fix: 'Test the unhappy paths first: assert the 400, 401, 404, 409 and 503 responses (status and problem body).',
  check(project) {
    if (!isServer(project) || assertsErrorStatus(project)) return []
    const tests = project.testFiles()
    const first = tests[0]
    return [
      first
        ? { file: first.path, line: 1, message: 'No test asserts a 4xx or 5xx status.' }
        : { ...project.locateInPackageJson('scripts'), message: 'The service has no tests.' },
    ]
  },
})
