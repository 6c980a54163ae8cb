import { register } from 'import-in-the-middle/register-hooks.mjs'
import { HOOKED_MODULES } from './create-instrumentations.ts'

let registered = false

/**
 * Registers import-in-the-middle's synchronous, in-thread loader hook (`module.registerHooks`, Node
 * >= 24.11.1; `register` throws a clear error on older Node) so that modules imported from ESM
 * (`import pg from 'pg'`) can be patched: `require` hooks alone never see them. Only the modules the
 * instrumentations patch are intercepted, so the rest of the graph loads untouched.
 */
export function registerEsmHook(): void {
  if (registered) return
  register({ include: [...HOOKED_MODULES] })
  registered = true
}
