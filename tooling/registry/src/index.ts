export { RegistryError, type RegistryErrorCode } from './errors.ts'
export { defaultLocalPackages, type Registry, type StartRegistryOptions, startRegistry } from './start-registry.ts'
