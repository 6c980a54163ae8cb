import { registerHooks } from 'node:module'

type OpenApiTypescript = typeof import('openapi-typescript')

let loading: Promise<OpenApiTypescript> | undefined

/**
 * openapi-typescript builds its output with the TypeScript 5 compiler API (`ts.factory`). TypeScript 7, the
 * compiler a shipshape workspace pins, is a native binary without that API, and pnpm would hand it to
 * openapi-typescript as its `typescript` peer. So this package carries TypeScript 5 as `typescript5`, and
 * while openapi-typescript loads, its `import 'typescript'` (and only its) resolves there. In-process and
 * scoped to one import: no workspace setting, no effect on anything else.
 */
export function loadOpenApiTypescript(): Promise<OpenApiTypescript> {
  loading ??= (async () => {
    const hooks = registerHooks({
      resolve(specifier, context, nextResolve) {
        if (specifier === 'typescript' && context.parentURL?.includes('/openapi-typescript/')) {
          return nextResolve('typescript5', { ...context, parentURL: import.meta.url })
        }
        return nextResolve(specifier, context)
      },
    })
    try {
      return await import('openapi-typescript')
    } finally {
      hooks.deregister()
    }
  })()
  return loading
}
