export { type CookieJarResponse, getCookie, getCookieHeader } from './cookies.ts'
export { getFreePort } from './free-port.ts'
export { getBaseUrl, type ListeningApp } from './http.ts'
export { captureLogs, type LogCapture, type LogLine } from './logs.ts'
export {
  createInjectFetch,
  createOpenApiResponseChecker,
  type LintProblem,
  lintOpenApi,
  listDocumentedResponses,
  type OpenApiDocument,
  renderOpenApiTypes,
  watchOpenApiConformance,
} from './openapi.ts'
export { createScratchDatabase, type ScratchDatabase } from './postgres.ts'
export { expectProblem } from './problem.ts'
export {
  type Memory,
  type ServiceProcess,
  type ServiceProcessOptions,
  startServiceProcess,
} from './service-process.ts'
export { type ProxyMode, startTcpProxy, type TcpProxy } from './tcp-proxy.ts'
export {
  createServiceTest,
  createTestService,
  setupTestService,
  type TestService,
  type TestServiceOptions,
} from './test-app.ts'
export {
  createTestDatabase,
  type PostgresTestDatabase,
  type TestDatabase,
  type TestDatabaseOptions,
} from './test-database.ts'
