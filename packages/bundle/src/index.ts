export {
  BundleError,
  type BundleOptions,
  type BundleResult,
  bundleService,
  RUNTIME_PACKAGES,
} from './bundle-service.ts'
