export { RegistryError, type RegistryErrorCode } from './errors.ts'
export { type PublishWorkspaceOptions, publishWorkspace } from './publish-workspace.ts'
export {
  defaultLocalPackages,
  type Registry,
  type StartRegistryOptions,
  startRegistry,
} from './start-registry.ts'
