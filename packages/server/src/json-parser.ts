import type { FastifyInstance } from 'fastify'
import { isStorableText } from './storable-text.ts'
import { createValidationProblem } from './to-problem.ts'

const BACKSLASH = 92
const QUOTE = 34
const OPEN_BRACE = 123
const OPEN_BRACKET = 91
const CLOSE_BRACE = 125
const CLOSE_BRACKET = 93

/**
 * Replaces Fastify's parsers with one JSON parser that also refuses what Fastify's accepts but our handlers
 * must never see: nesting deeper than `maxDepth` (checked on the text before parsing, so validation and
 * serialization can never hit a RangeError), and NUL or lone UTF-16 surrogates in any key or value (they
 * break PostgreSQL text columns and log pipelines). Every other content type is a 415.
 */
export function registerJsonParser(app: FastifyInstance, maxDepth: number): void {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string
    if (isNestedDeeperThan(text, maxDepth)) {
      done(createValidationProblem(`The request body nests deeper than ${maxDepth} levels.`, []), undefined)
      return
    }
    parseJson(request, text, (error, value) => {
      if (error !== null) return done(error, undefined)
      // Without a \u escape the text cannot hold NUL (raw control characters are invalid JSON) nor a lone
      // surrogate (the UTF-8 decoder substitutes U+FFFD), so the walk only runs when it can find something.
      const path = text.includes('\\u') ? findForbiddenString(value, '') : undefined
      if (path === undefined) return done(null, value)
      const message = 'must not contain NUL or a lone UTF-16 surrogate'
      done(
        createValidationProblem(`The request body has a forbidden character.`, [{ path, message }]),
        undefined,
      )
    })
  })
}

/** Scans the raw text once; brackets inside strings do not count. */
export function isNestedDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0
  let inString = false
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index)
    if (inString) {
      if (char === BACKSLASH) index++
      else if (char === QUOTE) inString = false
    } else if (char === QUOTE) inString = true
    else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      if (++depth > maxDepth) return true
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) depth--
  }
  return false
}

/** Returns the JSON pointer (under `/body`) of the first forbidden key or string; the depth is already bounded. */
function findForbiddenString(value: unknown, pointer: string): string | undefined {
  if (typeof value === 'string') return !isStorableText(value) ? `/body${pointer}` : undefined
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findForbiddenString(value[index], `${pointer}/${index}`)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (value === null || typeof value !== 'object') return undefined
  for (const [key, member] of Object.entries(value)) {
    if (!isStorableText(key)) return `/body${pointer}`
    const found = findForbiddenString(member, `${pointer}/${escapePointer(key)}`)
    if (found !== undefined) return found
  }
  return undefined
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1')
}
