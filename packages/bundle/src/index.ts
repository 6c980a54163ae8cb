export {
  ANNOUNCED_PACKAGES,
  type AsciiSource,
  BundleError,
  type BundleOptions,
  type BundleResult,
  bundleService,
  RUNTIME_PACKAGES,
  scriptFileOf,
  toAsciiSource,
} from './bundle-service.ts'
export {
  CompileCacheError,
  type CompileCacheOptions,
  type CompileCacheResult,
  DEFAULT_CACHE_DIR,
  makeCompileCache,
  START_ENV,
} from './compile-cache.ts'
