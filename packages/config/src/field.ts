/** The outcome of reading one raw value: a typed value, or a problem phrased to follow the variable name. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: string; readonly received?: string }

/** Options every field builder takes. */
export interface CommonOptions<T> {
  /** One sentence, rendered as the comment above the variable in `.env.example`. */
  readonly description: string
  /** Used when the variable is unset or empty. A field with a default is never `undefined`. */
  readonly default?: T
  /** When true and there is no default, an unset variable loads as `undefined` instead of failing. */
  readonly optional?: boolean
  /** Shown (commented out) in `.env.example` for optional variables. */
  readonly example?: T
  /**
   * The value is a credential though not a secret field (a URL that carries a password): deployments keep it
   * in a secret store, never in plain configuration. Secrets are always sensitive.
   */
  readonly sensitive?: boolean
}

/** Whether the field's value may be `undefined`: only when it is optional and has no default. */
export type OptionalOf<O> = O extends { readonly default: NonNullable<unknown> }
  ? false
  : O extends { readonly optional: true }
    ? true
    : false

/** A variable's definition: how to parse it, how to render it, and whether it may be absent. */
export interface EnvField<T, Optional extends boolean = boolean> {
  /** The first word of the type line in `.env.example` (`integer`, `url`, `secret`...). */
  readonly kind: string
  readonly description: string
  readonly optional: Optional
  readonly defaultValue: T | undefined
  readonly example: T | undefined
  /** Human text for `.env.example`, e.g. `from 1 to 65535`. */
  readonly constraints: string | undefined
  /** Set for secrets: their values are never shown and they get placeholders and ephemeral dev values. */
  readonly secret: { readonly minLength: number } | undefined
  /** Whether deployments must keep the value in a secret store (Kubernetes Secret), not in a ConfigMap. */
  readonly sensitive: boolean
  /** Problems with the definition itself, reported by defineEnv with the variable's name. */
  readonly definitionProblems: readonly string[]
  readonly parse: (raw: string, variable: string) => Parsed<T>
  // Method syntax on purpose: it keeps EnvField<number> assignable to EnvField<unknown> in EnvFields.
  format(value: T): string
}

export interface FieldSpec<T> {
  readonly kind: string
  readonly constraints?: string | undefined
  readonly secret?: { readonly minLength: number }
  readonly definitionProblems?: readonly string[]
  readonly parse: (raw: string, variable: string) => Parsed<T>
  readonly format: (value: T) => string
}

export function createField<T, O extends CommonOptions<T>>(
  options: O,
  spec: FieldSpec<T>,
): EnvField<T, OptionalOf<O>> {
  const hasDefault = options.default !== undefined
  const problems = [...(spec.definitionProblems ?? [])]
  if (hasDefault && options.optional === true) {
    problems.push('has both a default and optional: true; a variable with a default is never undefined')
  }
  if (options.description.trim() === '') problems.push('needs a description for .env.example')
  // The one place the runtime flag meets its type: OptionalOf<O> computes the same rule from the options.
  const optional = (!hasDefault && options.optional === true) as OptionalOf<O>
  return Object.freeze({
    kind: spec.kind,
    description: options.description,
    optional,
    defaultValue: options.default,
    example: options.example,
    constraints: spec.constraints,
    secret: spec.secret,
    sensitive: spec.secret !== undefined || options.sensitive === true,
    definitionProblems: Object.freeze(problems),
    parse: spec.parse,
    format: spec.format,
  })
}

export function succeed<T>(value: T): Parsed<T> {
  return { ok: true, value }
}

export function fail<T>(problem: string, received?: string): Parsed<T> {
  return received === undefined ? { ok: false, problem } : { ok: false, problem, received }
}
