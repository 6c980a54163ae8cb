export { type AddComponentOptions, addComponent } from './add-component.ts'
export {
  defaultPort,
  defaultResource,
  type ServiceAnswers,
  type ServiceInput,
  validateAnswers,
} from './answers.ts'
export { checkDrift, type DriftReport } from './drift.ts'
export { GeneratorError, type GeneratorErrorCode, generatorErrors, outcomeExitCodes } from './errors.ts'
export { assertCommitted } from './git-status.ts'
export {
  type ComponentState,
  type ComponentStatus,
  listComponents,
  type ServiceStatus,
} from './list-components.ts'
export { hashContent, manifestPath, type ServiceManifest } from './manifest.ts'
export { createService, getFreePort, type NewServiceOptions, type NewServiceResult } from './new-service.ts'
export type { FileAction } from './plan-file.ts'
export { getServiceGeneratorConfig } from './plop-generator.ts'
export { servicePrompts } from './prompts.ts'
export { type RegenOptions, regenService } from './regen.ts'
export { findTemplatesRoot, loadTemplate, type OwnershipClass } from './template.ts'
export type { FileReport, UpdateOutcome, UpdateReport } from './update-service.ts'
export { getCatalogVersion, pinnedVersions, requiredBuilds, shipshapeVersion } from './versions.ts'
export { type ExistingService, findWorkspace, listServices, type Workspace } from './workspace.ts'
export { type CatalogUpgradePlan, planCatalogUpgrade } from './workspace-settings.ts'
