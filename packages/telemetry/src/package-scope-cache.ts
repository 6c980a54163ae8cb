import type { ResolveFnOutput, ResolveHookContext } from 'node:module'

// Not `import ... from 'node:fs'`: an ES module's import of a builtin builds the builtin's ES facade,
// which reads every export, lazy getters included (`fs.promises` loads fs/promises, readline and
// streams: ~5 ms of a start with tracing off). The preload runs before anything else has loaded them.
const { existsSync } = process.getBuiltinModule('node:fs')
const { registerHooks } = process.getBuiltinModule('node:module')

type NextResolve = (specifier: string, context?: Partial<ResolveHookContext>) => ResolveFnOutput
export type ResolveHook = (
  specifier: string,
  context: ResolveHookContext,
  nextResolve: NextResolve,
) => ResolveFnOutput

const RELATIVE_JS = /^\.\.?\/.*\.js$/

function directoryOf(url: string): string {
  return url.slice(0, url.lastIndexOf('/') + 1)
}

/**
 * Node's ESM resolver looks up, for every `.js` file it loads, the nearest package.json to learn the
 * module type, and re-reads its whole `exports` each time: for drizzle-orm (a 179 KB package.json, some
 * 200 files reached from `drizzle-orm/node-postgres`) that took 0.9 s and grew the heap to ~280 MiB RSS.
 * This hook remembers the directories Node itself has resolved a `.js` file to `module` in (the nearest
 * package.json is the same for every file of a directory) and resolves a relative `.js` import inside
 * node_modules into such a directory without asking again. Everything else, including the first file of
 * each directory, a missing file (so its error stays Node's) and a nested `"type": "commonjs"`, goes to Node.
 */
export function createPackageScopeCache(): ResolveHook {
  const moduleDirectories = new Set<string>()
  return (specifier, context, nextResolve) => {
    const parent = context.parentURL
    if (parent?.startsWith('file:') && parent.includes('/node_modules/') && RELATIVE_JS.test(specifier)) {
      const target = new URL(specifier, parent)
      if (
        target.search === '' &&
        target.hash === '' &&
        moduleDirectories.has(directoryOf(target.href)) &&
        existsSync(target)
      )
        return { url: target.href, format: 'module', shortCircuit: true }
    }
    const resolved = nextResolve(specifier, context)
    if (resolved.format === 'module' && resolved.url.startsWith('file:') && resolved.url.endsWith('.js'))
      moduleDirectories.add(directoryOf(resolved.url))
    return resolved
  }
}

let registered = false

/** Registers the cache as a synchronous, in-thread resolve hook (`module.registerHooks`); once. */
export function registerPackageScopeCache(): void {
  if (registered) return
  registerHooks({ resolve: createPackageScopeCache() })
  registered = true
}
