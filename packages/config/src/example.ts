import type { EnvField } from './field.ts'
import type { EnvFields, EnvSchema } from './schema.ts'
import { getSecretPlaceholder } from './secret.ts'

export interface RenderEnvExampleOptions {
  /** The command that regenerates the file, quoted in its header and in checkEnvExample's message. */
  readonly regenerateCommand?: string
  /** Extra text for the header; each line becomes a comment. */
  readonly header?: string
}

export type CheckEnvExampleResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly expected: string; readonly message: string }

/** Renders `.env.example` from the schema. Same schema and options, same bytes. */
export function renderEnvExample<F extends EnvFields>(
  schema: EnvSchema<F>,
  options: RenderEnvExampleOptions = {},
): string {
  const blocks = Object.entries<EnvField<unknown>>(schema.fields).map(([name, field]) =>
    renderVariable(name, field),
  )
  return `${[renderHeader(options), ...blocks].join('\n\n')}\n`
}

/**
 * Compares a `.env.example` text with what the schema renders, ignoring line endings and trailing spaces.
 * The message names the first differing line by its expected text only: the file may hold a real secret.
 */
export function checkEnvExample<F extends EnvFields>(
  schema: EnvSchema<F>,
  fileText: string,
  options: RenderEnvExampleOptions = {},
): CheckEnvExampleResult {
  const expected = renderEnvExample(schema, options)
  const want = normalize(expected)
  const have = normalize(fileText)
  if (want.join('\n') === have.join('\n')) return { ok: true }
  const index = want.findIndex((line, i) => line !== have[i])
  const line = index === -1 ? have.length : index
  const wanted = want[line] === undefined ? 'the end of the file' : JSON.stringify(want[line])
  const message =
    `.env.example is out of date with the environment schema (line ${line + 1}: expected ${wanted}). ` +
    getRegenerateHint(options)
  return { ok: false, expected, message }
}

function renderHeader(options: RenderEnvExampleOptions): string {
  const lines = [
    'Generated from the environment schema by @shipshape/config; do not edit by hand.',
    `To change it, edit the schema. ${getRegenerateHint(options)}`,
    ...(options.header === undefined ? [] : options.header.split(/\r?\n/u)),
  ]
  return lines.map((line) => (line === '' ? '#' : `# ${line}`)).join('\n')
}

function renderVariable(name: string, field: EnvField<unknown>): string {
  const details = [field.kind, describePresence(field), field.constraints].filter(
    (part) => part !== undefined,
  )
  return [`# ${field.description}`, `# ${details.join(', ')}`, renderAssignment(name, field)].join('\n')
}

function describePresence(field: EnvField<unknown>): string {
  if (field.defaultValue !== undefined) return `default ${field.format(field.defaultValue) || '(empty)'}`
  if (field.optional) return 'optional'
  if (field.secret !== undefined) return 'required in production (random per process otherwise)'
  return field.example === undefined ? 'required' : `required, e.g. ${field.format(field.example)}`
}

// Optional variables are commented out so copying the file changes nothing; required ones stay empty so
// loadEnv names them. Secrets carry their placeholder, which loadEnv rejects, so a copy cannot reach production.
function renderAssignment(name: string, field: EnvField<unknown>): string {
  if (field.secret !== undefined) {
    const line = `${name}=${getSecretPlaceholder(name, field.secret.minLength)}`
    return field.optional ? `# ${line}` : line
  }
  if (field.defaultValue !== undefined) return `${name}=${field.format(field.defaultValue)}`
  if (field.optional) return `# ${name}=${field.example === undefined ? '' : field.format(field.example)}`
  return `${name}=`
}

function getRegenerateHint(options: RenderEnvExampleOptions): string {
  const command = options.regenerateCommand
  return command === undefined ? 'Regenerate it with renderEnvExample.' : `Regenerate it with: ${command}`
}

function normalize(text: string): string[] {
  const lines = text.split(/\r?\n/u).map((line) => line.trimEnd())
  while (lines.length > 0 && lines.at(-1) === '') lines.pop()
  return lines
}
