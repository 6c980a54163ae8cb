import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
// This package runs as TypeScript from src/ (tests, the `@shipshape/source` condition) and as JavaScript
// from dist/; `require` paths are not rewritten by tsc as import paths are.
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js'

/**
 * Requires one of this package's own modules (`name` without its extension) when it is first needed, not
 * when the package is imported: an ES module, loaded synchronously (it has no top-level await).
 */
export function requireOwn<T>(name: string): T {
  return require(`./${name}${extension}`) as T
}

/** The URL of one of this package's own modules (`name` without its extension): a worker's, say. */
export function ownModuleUrl(name: string): URL {
  return new URL(`./${name}${extension}`, import.meta.url)
}
