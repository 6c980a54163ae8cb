import { hasSpread, propertiesOf, resolveValue } from '../_ast.ts'
import type { AstNode } from '../_project.ts'
import { findInCalls } from './_calls.ts'
import { defineRule } from './_rule.ts'

const axiosConfigIndex: Record<string, number> = {
  get: 1,
  delete: 1,
  head: 1,
  options: 1,
  post: 2,
  put: 2,
  patch: 2,
  request: 0,
  create: 0,
}

/** 'missing' when the options object is absent or lacks every bounding key; undefined when bounded or unknown. */
function checkOptions(
  node: AstNode | undefined,
  declared: Map<string, AstNode>,
  keys: string[],
): 'missing' | undefined {
  if (!node) return 'missing'
  const value = resolveValue(node, declared)
  if (value?.type !== 'ObjectExpression' || hasSpread(value)) return undefined
  const properties = propertiesOf(value)
  return keys.some((key) => properties.has(key)) ? undefined : 'missing'
}

export const outboundNoTimeout = defineRule({
  id: 'outbound-no-timeout',
  severity: 'warning',
  title: 'Outbound call without a timeout',
  why: 'A dependency that stops answering holds the request, its socket and its memory until the whole service stalls.',
  fix: 'Bound every call: `fetch(url, { signal: AbortSignal.timeout(ms) })`, axios `timeout`, undici `headersTimeout`/`bodyTimeout` or a signal (shipshape: @shipshape/outbound).',
  check: (project) =>
    findInCalls(project, ({ node, name, object, args, imports, declared }) => {
      let missing: string | undefined
      const source = imports.get(object ?? name ?? '')?.source
      if (
        !object &&
        name === 'fetch' &&
        (source === undefined || source === 'undici' || source === 'node-fetch')
      ) {
        if (checkOptions(args[1], declared, ['signal'])) missing = 'fetch() has no signal'
      } else if (!object && name === 'request' && source === 'undici') {
        if (checkOptions(args[1], declared, ['signal', 'headersTimeout', 'bodyTimeout']))
          missing = 'undici request() has no timeout'
      } else if (source === 'axios') {
        const index = object ? axiosConfigIndex[name ?? ''] : 0
        if (index !== undefined && checkOptions(args[index], declared, ['timeout', 'signal']))
          missing = `axios${object ? `.${name}` : ''}() has no timeout`
      }
      return missing
        ? { at: node, message: `${missing}: a stalled dependency holds this request forever.` }
        : undefined
    }),
})
