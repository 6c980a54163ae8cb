import { type CommonOptions, createField, type EnvField, fail, type OptionalOf, succeed } from './field.ts'
import { list } from './list.ts'
import { secret } from './secret.ts'

export interface IntegerOptions extends CommonOptions<number> {
  readonly min?: number
  readonly max?: number
}

export interface UrlOptions extends CommonOptions<string> {
  /** Allowed `URL.protocol` values, with the colon: `['postgres:', 'postgresql:']`. Any when omitted. */
  readonly protocols?: readonly string[]
}

const INTEGER = /^-?\d+$/u
const TRUE = /^(?:true|1)$/iu
const FALSE = /^(?:false|0)$/iu
const PROTOCOL = /^[a-z][a-z0-9+.-]*:$/u

function string<const O extends CommonOptions<string>>(options: O): EnvField<string, OptionalOf<O>> {
  return createField(options, { kind: 'string', parse: succeed, format: String })
}

function integer<const O extends IntegerOptions>(options: O): EnvField<number, OptionalOf<O>> {
  return createIntegerField('integer', options, options.min, options.max)
}

function port<const O extends CommonOptions<number>>(options: O): EnvField<number, OptionalOf<O>> {
  return createIntegerField('port', options, 1, 65_535)
}

function createIntegerField<O extends CommonOptions<number>>(
  kind: string,
  options: O,
  min: number | undefined,
  max: number | undefined,
): EnvField<number, OptionalOf<O>> {
  const range = describeRange(min, max)
  const badBound = [min, max].some((bound) => bound !== undefined && !Number.isSafeInteger(bound))
  const problems = badBound ? ['min and max must be safe integers'] : []
  if (min !== undefined && max !== undefined && min > max)
    problems.push(`min ${min} is greater than max ${max}`)
  return createField(options, {
    kind,
    constraints: range === 'an integer' ? undefined : range.replace('an integer ', ''),
    definitionProblems: problems,
    parse: (raw) => {
      const value = INTEGER.test(raw) ? Number(raw) : Number.NaN
      const inRange = Number.isSafeInteger(value) && value >= (min ?? value) && value <= (max ?? value)
      return inRange ? succeed(value) : fail(`must be ${range}`)
    },
    format: String,
  })
}

function describeRange(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `an integer from ${min} to ${max}`
  if (min !== undefined) return `an integer of at least ${min}`
  if (max !== undefined) return `an integer of at most ${max}`
  return 'an integer'
}

function boolean<const O extends CommonOptions<boolean>>(options: O): EnvField<boolean, OptionalOf<O>> {
  return createField(options, {
    kind: 'boolean',
    constraints: 'true|false|1|0',
    parse: (raw) => {
      if (TRUE.test(raw)) return succeed(true)
      if (FALSE.test(raw)) return succeed(false)
      return fail('must be one of true, false, 1, 0')
    },
    format: String,
  })
}

function url<const O extends UrlOptions>(options: O): EnvField<string, OptionalOf<O>> {
  const protocols = options.protocols ?? []
  const badProtocols = protocols.filter((protocol) => !PROTOCOL.test(protocol))
  const problems = badProtocols.map((p) => `protocol ${JSON.stringify(p)} must be lowercase and end with ":"`)
  const allowed = protocols.join(' or ')
  return createField(options, {
    kind: 'url',
    constraints: protocols.length > 0 ? `protocols ${protocols.join(' ')}` : undefined,
    definitionProblems: problems,
    // The raw text is kept, not URL#href: normalising could re-encode a password the server expects verbatim.
    parse: (raw) => {
      const parsed = URL.parse(raw)
      if (parsed === null) return fail('must be an absolute URL')
      if (protocols.length > 0 && !protocols.includes(parsed.protocol)) {
        return fail(`must be a URL with protocol ${allowed}`)
      }
      return succeed(raw)
    },
    format: String,
  })
}

function enumOf<const V extends readonly [string, ...string[]], const O extends CommonOptions<V[number]>>(
  values: V,
  options: O,
): EnvField<V[number], OptionalOf<O>> {
  const allowed: readonly string[] = values
  return createField(options, {
    kind: 'enum',
    constraints: `one of ${values.join('|')}`,
    definitionProblems: values.length === 0 ? ['needs at least one value'] : [],
    parse: (raw) => {
      const value = values.find((candidate) => candidate === raw)
      return value === undefined ? fail(`must be one of ${allowed.join(', ')}`) : succeed(value)
    },
    format: String,
  })
}

/** The field builders. Each variable's `description` is required: it becomes its `.env.example` comment. */
export const env = Object.freeze({
  string,
  integer,
  port,
  boolean,
  url,
  enum: enumOf,
  list,
  secret,
})
