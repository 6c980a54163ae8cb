export { RegistryError, type RegistryErrorCode } from './errors.ts'
