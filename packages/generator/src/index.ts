export {
  defaultPort,
  defaultResource,
  type ServiceAnswers,
  type ServiceInput,
  validateAnswers,
} from './answers.ts'
export { GeneratorError, type GeneratorErrorCode, generatorErrors } from './errors.ts'
export { hashContent, manifestPath, type ServiceManifest } from './manifest.ts'
export { createService, type NewServiceOptions, type NewServiceResult } from './new-service.ts'
export { getServiceGeneratorConfig, servicePrompts } from './plop-generator.ts'
export { pinnedVersions } from './versions.ts'
export { checkDrift, type DriftReport } from './drift.ts'
