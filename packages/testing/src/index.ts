export { getFreePort } from './free-port.ts'
export {
  createInjectFetch,
  type LintProblem,
  lintOpenApi,
  type OpenApiDocument,
  renderOpenApiTypes,
  watchOpenApiConformance,
} from './openapi.ts'
export { type ProxyMode, startTcpProxy, type TcpProxy } from './tcp-proxy.ts'
export { setupTestService, type TestService } from './test-app.ts'
export {
  createScratchDatabase,
  createTestDatabase,
  type ScratchDatabase,
  type TestDatabase,
  type TestDatabaseOptions,
} from './test-database.ts'
